/*
KP-NET-014: Ingresses do not route wildcard or catch-all hosts.

Source: NSA/CISA Kubernetes Hardening Guide (limit what is exposed outside the cluster); the
Ingress API reference for spec.rules[].host: a host of "*.example.com" matches every name of
one more label under example.com, and a rule without host (like spec.defaultBackend) serves
requests for any Host header, so any name pointed at the controller's address reaches the
backend. No CIS 1.12 control covers it, so the control carries no framework reference.

Reads: ingresses[].spec.rules[].host, spec.defaultBackend.

Verdict per Ingress: WARN when a rule host starts with "*." or a rule has no host, or a
defaultBackend is set; PASS otherwise.
*/

package network

import (
	"strings"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:       "KP-NET-014",
			Title:    "Ingresses route named hosts only",
			Layer:    checks.Network,
			Severity: checks.Low,
			Description: "A wildcard host (*.example.com), a rule without host or a default backend serves any name that " +
				"resolves to the ingress controller, which exposes backends under names nobody reviewed " +
				"(subdomain takeover, bypass of host-based access rules).",
			Remediation: "List each served host explicitly in spec.rules[].host and drop spec.defaultBackend, unless " +
				"the catch-all is intended and documented.",
		},
		Inputs:   []snapshot.Resource{snapshot.ResIngresses},
		Evaluate: ingressWildcard,
	})
}

func ingressWildcard(s *snapshot.Snapshot) []checks.Result {
	out := make([]checks.Result, 0, len(s.Ingresses))
	for i := range s.Ingresses {
		ing := &s.Ingresses[i]
		r := checks.Result{
			Resource: checks.Resource{Kind: "Ingress", Namespace: ing.Namespace, Name: ing.Name},
			Evidence: checks.Evidence{
				Expected: "every rule names a host, no wildcard host, no defaultBackend",
				Where:    "spec.rules[].host, spec.defaultBackend",
			},
		}
		var wide []string
		for _, rule := range ing.Spec.Rules {
			switch {
			case rule.Host == "":
				wide = append(wide, "a rule without host (any Host header)")
			case strings.HasPrefix(rule.Host, "*."):
				wide = append(wide, "wildcard host "+rule.Host)
			}
		}
		if ing.Spec.DefaultBackend != nil {
			wide = append(wide, "spec.defaultBackend (any Host header)")
		}
		if len(wide) > 0 {
			r.Status = checks.Warn
			r.Evidence.Observed = strings.Join(wide, "; ")
		} else {
			r.Status = checks.Pass
			r.Evidence.Observed = "named hosts only"
		}
		out = append(out, r)
	}
	return out
}
