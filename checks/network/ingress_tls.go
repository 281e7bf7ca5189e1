/*
KP-NET-003: Ingresses terminate TLS for every host they serve.

Source: NSA/CISA Kubernetes Hardening Guide (encrypt traffic; no kubescape id in our
reference covers Ingress TLS) and the Ingress API reference for spec.tls: a tls entry
without hosts applies to the controller's wildcard host, and a wildcard host "*.example.com"
matches exactly one DNS label ("a.example.com", not "example.com" nor "a.b.example.com").
No CIS 1.12 control covers it, so the control carries no framework reference.

Reads: ingresses[].spec.tls[].hosts, spec.rules[].host.

Verdict per Ingress: FAIL if spec.tls is empty (served over plain HTTP); WARN if a rule host
is not covered by any tls[].hosts entry (a rule without host is covered only by a tls entry
without hosts); PASS otherwise. Whether the certificate in tls[].secretName is valid is not
judged: the snapshot holds no secret data.
*/

package network

import (
	"strings"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:       "KP-NET-003",
			Title:    "Ingresses terminate TLS",
			Layer:    checks.Network,
			Severity: checks.Low,
			Description: "An Ingress without TLS serves its hosts over plain HTTP, exposing credentials and " +
				"session cookies to anyone on the path. Every host an Ingress routes should be listed " +
				"in one of its spec.tls entries.",
			Remediation: "Add spec.tls with hosts covering every spec.rules[].host and a secretName holding " +
				"the certificate (for example issued by cert-manager via the annotation " +
				"cert-manager.io/cluster-issuer), and redirect HTTP to HTTPS in the ingress controller.",
		},
		Inputs:   []snapshot.Resource{snapshot.ResIngresses},
		Evaluate: ingressTLS,
	})
}

func ingressTLS(s *snapshot.Snapshot) []checks.Result {
	out := make([]checks.Result, 0, len(s.Ingresses))
	for i := range s.Ingresses {
		out = append(out, judgeIngress(&s.Ingresses[i]))
	}
	return out
}

// anyHost stands for a rule without host in the evidence.
const anyHost = "(any host)"

func judgeIngress(ing *networkingv1.Ingress) checks.Result {
	r := checks.Result{
		Resource: checks.Resource{Kind: "Ingress", Namespace: ing.Namespace, Name: ing.Name},
		Evidence: checks.Evidence{
			Expected: "spec.tls whose hosts cover every spec.rules[].host",
			Where:    "spec.tls",
		},
	}
	var hosts []string
	seen := map[string]bool{}
	for _, rule := range ing.Spec.Rules {
		h := rule.Host
		if h == "" {
			h = anyHost
		}
		if !seen[h] {
			seen[h] = true
			hosts = append(hosts, h)
		}
	}
	served := "default backend only"
	if len(hosts) > 0 {
		served = "hosts " + strings.Join(hosts, ", ")
	}

	if len(ing.Spec.TLS) == 0 {
		r.Status = checks.Fail
		r.Evidence.Observed = "no spec.tls: " + served + " served over plain HTTP"
		return r
	}
	var uncovered []string
	for _, h := range hosts {
		if !tlsCovers(ing.Spec.TLS, h) {
			uncovered = append(uncovered, h)
		}
	}
	if len(uncovered) > 0 {
		r.Status = checks.Warn
		r.Evidence.Observed = "not covered by spec.tls[].hosts: " + strings.Join(uncovered, ", ") +
			" (tls hosts: " + strings.Join(tlsHosts(ing.Spec.TLS), ", ") + ")"
		r.Evidence.Where = "spec.tls[].hosts, spec.rules[].host"
		return r
	}
	r.Status = checks.Pass
	r.Evidence.Observed = "spec.tls covers " + served
	return r
}

// tlsCovers reports whether some tls entry serves host. An entry without hosts applies to
// every host (the controller's wildcard); anyHost is covered by nothing else.
func tlsCovers(tls []networkingv1.IngressTLS, host string) bool {
	for _, t := range tls {
		if len(t.Hosts) == 0 {
			return true
		}
		if host == anyHost {
			continue
		}
		for _, th := range t.Hosts {
			if hostMatches(th, host) {
				return true
			}
		}
	}
	return false
}

// hostMatches reports whether the tls host pattern covers host. DNS names compare without
// case; "*.example.com" covers one label, as a wildcard certificate does.
func hostMatches(pattern, host string) bool {
	if strings.EqualFold(pattern, host) {
		return true
	}
	suffix, ok := strings.CutPrefix(pattern, "*")
	if !ok || !strings.HasPrefix(suffix, ".") {
		return false
	}
	label, rest, ok := strings.Cut(host, ".")
	return ok && label != "" && strings.EqualFold("."+rest, suffix)
}

func tlsHosts(tls []networkingv1.IngressTLS) []string {
	var out []string
	for _, t := range tls {
		out = append(out, t.Hosts...)
	}
	return out
}
