/*
KP-NET-005: NetworkPolicies do not allow everything.

Source: NSA/CISA Kubernetes Hardening Guide, network policies (kubescape C-0030 "Ingress and
Egress blocked"); the NetworkPolicy API reference (k8s.io/api networking/v1, v0.37.2) and the
Kubernetes documentation's "Allow all ingress traffic" / "Allow all egress traffic" policies:
a rule with neither from/to nor ports ("ingress: [{}]", "egress: [{}]") matches every peer
on every port, and because policies are a union of allows it cancels any default deny for the
pods the policy selects. Rules of a direction that is not among the policy's effective
policyTypes have no effect and are not judged.

Reads: networkPolicies[].spec.podSelector, .policyTypes, .ingress[].from, .ingress[].ports,
.egress[].to, .egress[].ports.

Verdict per NetworkPolicy: FAIL when such a rule applies to every pod of the namespace (empty
podSelector); WARN when it applies to selected pods only (often a deliberate exception, still
worth a look); PASS otherwise.
*/

package network

import (
	"fmt"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/internal/netpol"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:       "KP-NET-005",
			Title:    "NetworkPolicies do not allow everything",
			Layer:    checks.Network,
			Severity: checks.Medium,
			Description: "A rule without peers and without ports (ingress: [{}] or egress: [{}]) allows all " +
				"traffic in that direction. Policies only add allows, so such a rule undoes every default " +
				"deny for the pods the policy selects.",
			Remediation: "Replace the empty rule with the peers (podSelector, namespaceSelector, ipBlock) and ports " +
				"the selected pods actually need, or delete the policy if the namespace should stay open " +
				"and say so where it is reviewed.",
		},
		Inputs:   []snapshot.Resource{snapshot.ResNetworkPolicies},
		Evaluate: allowAll,
	})
}

func allowAll(s *snapshot.Snapshot) []checks.Result {
	out := make([]checks.Result, 0, len(s.NetworkPolicies))
	for i := range s.NetworkPolicies {
		np := &s.NetworkPolicies[i]
		types := netpol.EffectiveTypes(&np.Spec)
		var open []string
		if types[netpol.Ingress] {
			for j, r := range np.Spec.Ingress {
				if len(r.From) == 0 && len(r.Ports) == 0 {
					open = append(open, fmt.Sprintf("spec.ingress[%d]", j))
				}
			}
		}
		if types[netpol.Egress] {
			for j, r := range np.Spec.Egress {
				if len(r.To) == 0 && len(r.Ports) == 0 {
					open = append(open, fmt.Sprintf("spec.egress[%d]", j))
				}
			}
		}
		r := checks.Result{
			Resource: checks.Resource{Kind: "NetworkPolicy", Namespace: np.Namespace, Name: np.Name},
			Evidence: checks.Evidence{
				Expected: "every rule names its peers or ports",
				Where:    "spec.ingress[], spec.egress[]",
			},
		}
		all := selectsAll(np)
		switch {
		case len(open) == 0:
			r.Status = checks.Pass
			r.Evidence.Observed = "no rule allows every peer on every port"
		case all:
			r.Status = checks.Fail
			r.Evidence.Observed = strings.Join(open, ", ") + " allow all traffic for every pod of the namespace (podSelector {})"
			r.Evidence.Where = strings.Join(open, ", ") + ", spec.podSelector"
		default:
			r.Status = checks.Warn
			r.Evidence.Observed = strings.Join(open, ", ") + " allow all traffic for the pods selected by spec.podSelector"
			r.Evidence.Where = strings.Join(open, ", ") + ", spec.podSelector"
		}
		out = append(out, r)
	}
	return out
}

// selectsAll reports whether a policy's podSelector is empty: it selects every pod of its
// namespace.
func selectsAll(np *networkingv1.NetworkPolicy) bool {
	return len(np.Spec.PodSelector.MatchLabels) == 0 && len(np.Spec.PodSelector.MatchExpressions) == 0
}
