/*
KP-NET-008: workloads in a namespace that uses NetworkPolicies are isolated like the rest.

Source: NSA/CISA Kubernetes Hardening Guide, network policies (kubescape C-0054 "Cluster
internal networking"); the isolation rule from the NetworkPolicy API reference
(NetworkPolicySpec, k8s.io/api networking/v1 v0.37.2) and the Kubernetes documentation
("The two sorts of pod isolation"): a pod is isolated for a direction only when a policy of
its namespace selects it and governs that direction; a pod no policy selects accepts and sends
everything, whatever its neighbours' policies say. A pod left out of the selectors (a new
label, a typo) is the usual gap in a namespace that believes itself protected.

Reads: namespaces, networkPolicies (spec.podSelector, spec.policyTypes), cniPolicies, workloads
(pods, deployments, statefulSets, daemonSets, replicaSets, jobs, cronJobs: each workload's
template judged as the pods it will create, its pods as they are): labels, namespace,
hostNetwork.

Verdict per workload, for each direction that isolates some pod (or template) of its namespace:
FAIL when the workload's template or one of its pods is not isolated for it; WARN for
hostNetwork workloads (no policy can isolate them); PASS when every pod is isolated for every
such direction; NOT_APPLICABLE in namespaces where no pod is isolated (KP-NET-001 and
KP-NET-004 judge those); NOT_EVALUATED where Cilium or Calico policies may apply.
*/

package network

import (
	"strings"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/internal/netpol"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:       "KP-NET-008",
			Title:    "Workloads are not left out of their namespace's NetworkPolicies",
			Layer:    checks.Network,
			Severity: checks.Medium,
			Description: "In a namespace whose policies isolate some pods, a workload whose pods no policy " +
				"selects is open to every pod of the cluster (ingress) or may connect anywhere (egress): " +
				"usually a label that drifted from the policies' selectors.",
			Remediation: "Select the workload's pods with a policy for the listed direction (fix its labels or the " +
				"policy's podSelector), or better, add a default deny with podSelector {} so that no pod " +
				"can be left out (KP-NET-001, KP-NET-004).",
		},
		Inputs:   policyInputs,
		Reads:    viewReads,
		Evaluate: unisolated,
	})
}

func unisolated(s *snapshot.Snapshot) []checks.Result {
	v := newView(s)
	dirs := []netpol.Direction{netpol.Ingress, netpol.Egress}
	// Which directions isolate some pod (or template), per namespace.
	protected := map[string]map[netpol.Direction]bool{}
	for i := range v.units {
		ns := v.units[i].res.Namespace
		for gi := range v.groups[i] {
			for _, d := range dirs {
				if len(v.e.Isolating(v.groups[i][gi].ep, d)) > 0 {
					if protected[ns] == nil {
						protected[ns] = map[netpol.Direction]bool{}
					}
					protected[ns][d] = true
				}
			}
		}
	}
	out := make([]checks.Result, 0, len(v.units))
	for i := range v.units {
		u := &v.units[i]
		r := checks.Result{Resource: u.res, Evidence: checks.Evidence{
			Where: "networkpolicies of namespace " + u.res.Namespace + ": spec.podSelector, spec.policyTypes",
		}}
		want := protected[u.res.Namespace]
		var wanted []string
		for _, d := range dirs {
			if want[d] {
				wanted = append(wanted, string(d))
			}
		}
		if len(wanted) == 0 {
			r.Status = checks.NotApplicable
			r.Evidence.Expected = "pods isolated as their namespace's other pods are"
			r.Evidence.Observed = "no pod of the namespace is isolated"
			r.Reason = "no NetworkPolicy isolates any pod of this namespace (see KP-NET-001 and KP-NET-004)"
			out = append(out, v.unsure(r, u.res.Namespace))
			continue
		}
		r.Evidence.Expected = "every pod isolated for " + strings.Join(wanted, " and ") + ", as other pods of the namespace are"
		var gaps findings
		host := false
		for gi := range v.groups[i] {
			g := &v.groups[i][gi]
			if g.ep.HostNetwork() {
				host = true
				continue
			}
			for _, d := range dirs {
				if want[d] && len(v.e.Isolating(g.ep, d)) == 0 {
					gaps.add(netpol.Answer{Because: "not isolated for " + string(d)}, g)
				}
			}
		}
		switch {
		case len(gaps) > 0:
			r.Status = checks.Fail
			r.Evidence.Observed = u.describe(gaps, "is ", "are ")
		case host:
			r.Status = checks.Warn
			r.Evidence.Observed = "hostNetwork pods: NetworkPolicy cannot isolate them"
		default:
			r.Status = checks.Pass
			r.Evidence.Observed = u.all() + " isolated for " + strings.Join(wanted, " and ")
		}
		out = append(out, v.unsure(r, u.res.Namespace))
	}
	return out
}
