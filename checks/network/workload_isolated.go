/*
KP-NET-018: workloads are isolated for ingress and egress (NSA/CISA, kubescape C-0030).

Source: NSA/CISA Kubernetes Hardening Guide, network policies, as kubescape ids it: C-0030
"Ingress and Egress blocked": "Disable Ingress and Egress traffic on all pods wherever possible.
It is recommended to define restrictive network policy on all new pods", checking "for each Pod
whether there is an ingress and egress policy defined". Isolation as the NetworkPolicy API
reference defines it (NetworkPolicySpec, k8s.io/api networking/v1 v0.37.2), computed by the
netpol engine: a pod is isolated for a direction when a policy of its namespace selects it and
governs that direction; from then on only what some policy allows passes. The controls that
claimed the area before ask other things (KP-NET-001 and 004 a namespace default deny for one
direction, KP-NET-005 and 006 what rules allow, KP-NET-009 and 010 what reaches a workload) and
claim none. kubescape also accepts a Cilium policy with either direction; plugin policies are
not evaluated here, and make the verdict NOT_EVALUATED where they may apply.

Reads: workloads and their templates, pods (labels, namespace, hostNetwork, ownerReferences), namespaces, networkPolicies
(spec.podSelector, spec.policyTypes), replicaSets and jobs (workload names), cniPolicies.

Verdict per workload:

	PASS  every pod isolated for ingress and for egress
	FAIL  a pod not isolated for one of them; a hostNetwork pod (no policy isolates it)
	NOT_EVALUATED  where Cilium or Calico policies may apply
*/

package network

import (
	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/internal/netpol"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:       "KP-NET-018",
			Title:    "Workloads are isolated for ingress and egress",
			Layer:    checks.Network,
			Severity: checks.Medium,
			Description: "A pod that no NetworkPolicy isolates for ingress accepts connections from every pod of " +
				"the cluster, and one not isolated for egress may connect anywhere: a compromised pod then " +
				"reaches its neighbours, the cloud metadata service and the internet.",
			Remediation: "Select the workload's pods with NetworkPolicies that govern both Ingress and Egress " +
				"(a namespace default deny with podSelector {} and policyTypes [Ingress, Egress] covers every pod), " +
				"then allow the flows they need.",
			References: checks.References{NSA: []string{"C-0030"}},
		},
		Inputs:   policyInputs,
		Reads:    viewReads,
		Evaluate: isolatedBothWays,
	})
}

func isolatedBothWays(s *snapshot.Snapshot) []checks.Result {
	v := newView(s)
	out := make([]checks.Result, 0, len(v.units))
	for i := range v.units {
		u := &v.units[i]
		r := checks.Result{Resource: u.res, Evidence: checks.Evidence{
			Expected: "every pod isolated for Ingress and for Egress by a NetworkPolicy of its namespace",
			Where:    "networkpolicies of namespace " + u.res.Namespace + ": spec.podSelector, spec.policyTypes",
		}}
		// The template and its pods are asked once per group the engine answers alike, and
		// the evidence names the first few objects per reason: 300 replicas are not 300 lines.
		var gaps findings
		for gi := range v.groups[i] {
			g := &v.groups[i][gi]
			var because string
			switch in, eg := isolated(v, g.ep, netpol.Ingress), isolated(v, g.ep, netpol.Egress); {
			case g.ep.HostNetwork():
				because = "on the host network (hostNetwork): no NetworkPolicy isolates it"
			case !in && !eg:
				because = "not isolated for ingress or egress"
			case !in:
				because = "not isolated for ingress"
			case !eg:
				because = "not isolated for egress"
			default:
				continue
			}
			gaps.add(netpol.Answer{Because: because}, g)
		}
		if len(gaps) > 0 {
			r.Status = checks.Fail
			r.Evidence.Observed = u.describe(gaps, "is ", "are ")
		} else {
			r.Status = checks.Pass
			r.Evidence.Observed = u.all() + " isolated for ingress and egress"
		}
		out = append(out, v.unsure(r, u.res.Namespace))
	}
	return out
}

// isolated reports whether a policy isolates endpoint ep for d (a hostNetwork endpoint never is).
func isolated(v *view, ep netpol.Endpoint, d netpol.Direction) bool {
	return !ep.HostNetwork() && len(v.e.Isolating(ep, d)) > 0
}
