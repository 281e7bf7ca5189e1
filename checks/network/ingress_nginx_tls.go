/*
KP-NET-024: ingress-nginx serves TLS 1.2 or later, with HSTS.

Source: ingress-nginx's ConfigMap documentation (kubernetes.github.io/ingress-nginx/user-guide/
nginx-configuration/configmap/#ssl-protocols, #hsts): ssl-protocols defaults to "TLSv1.2
TLSv1.3" and hsts to "true"; a ConfigMap that adds TLSv1 or TLSv1.1 (deprecated by RFC 8996),
or sets hsts "false", weakens every HTTPS host the controller serves. The ConfigMap is read only
where the controller's --configmap flag names it. No CIS item covers it.

Reads: Deployments and DaemonSets (the controller and its --configmap), ConfigMaps (the one
named).

Verdict per controller: FAIL when ssl-protocols enables a protocol older than TLS 1.2, or hsts
is "false"; NOT_EVALUATED when its --configmap names a ConfigMap the snapshot does not hold;
PASS otherwise (the defaults included).
*/

package network

import (
	"slices"
	"strings"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:       "KP-NET-024",
			Title:    "ingress-nginx serves TLS 1.2 or later, with HSTS",
			Layer:    checks.Network,
			Severity: checks.Medium,
			Description: "The ingress-nginx controller's ConfigMap sets the TLS protocols and HSTS of every host it " +
				"serves: TLS 1.0 and 1.1 are deprecated (RFC 8996), and without HSTS a browser can be downgraded to plain HTTP.",
			Remediation: "In the ConfigMap the controller's --configmap flag names, remove ssl-protocols (its default is " +
				"\"TLSv1.2 TLSv1.3\") or list only TLSv1.2 and TLSv1.3, and remove hsts: \"false\".",
		},
		Inputs:   nginxInputs,
		Evaluate: nginxTLS,
	})
}

// oldProtocols are the protocol names ssl-protocols takes that are older than TLS 1.2.
var oldProtocols = []string{"SSLv2", "SSLv3", "TLSv1", "TLSv1.1"}

func nginxTLS(s *snapshot.Snapshot) []checks.Result {
	var out []checks.Result
	for _, c := range nginxControllers(s) {
		r := checks.Result{Resource: c.res, Evidence: checks.Evidence{
			Expected: "ssl-protocols within TLSv1.2 TLSv1.3, hsts not \"false\"",
			Where:    c.where("ssl-protocols, hsts"),
		}}
		if reason := c.missingConfigMap(); reason != "" {
			r.Status, r.Reason = checks.NotEvaluated, reason
			out = append(out, r)
			continue
		}
		protocols, set := c.setting("ssl-protocols")
		if !set {
			protocols = "TLSv1.2 TLSv1.3"
		}
		var problems []string
		var old []string
		for _, p := range strings.Fields(protocols) {
			if slices.Contains(oldProtocols, p) {
				old = append(old, p)
			}
		}
		if len(old) > 0 {
			problems = append(problems, "ssl-protocols \""+protocols+"\" enables "+strings.Join(old, ", "))
		}
		if hsts, _ := c.setting("hsts"); hsts == "false" {
			problems = append(problems, "hsts \"false\"")
		}
		if len(problems) > 0 {
			r.Status = checks.Fail
			r.Evidence.Observed = strings.Join(problems, "; ")
		} else {
			r.Status = checks.Pass
			r.Evidence.Observed = "ssl-protocols " + quoteOr(protocols, set, "unset (TLSv1.2 TLSv1.3)") + ", HSTS on"
		}
		out = append(out, r)
	}
	return out
}
