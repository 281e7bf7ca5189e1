/*
KP-NET-008: workloads in a namespace that uses NetworkPolicies are isolated like the rest.

Source: NSA/CISA Kubernetes Hardening Guide, network policies (kubescape C-0054 "Cluster
internal networking"); the isolation rule from the NetworkPolicy API reference
(NetworkPolicySpec, k8s.io/api networking/v1 v0.37.2) and the Kubernetes documentation
("The two sorts of pod isolation"): a pod is isolated for a direction only when a policy of
its namespace selects it and governs that direction; a pod no policy selects accepts and sends
everything, whatever its neighbours' policies say. A pod left out of the selectors (a new
label, a typo) is the usual gap in a namespace that believes itself protected.

Reads: pods (labels, namespace, hostNetwork, ownerReferences), namespaces, networkPolicies
(spec.podSelector, spec.policyTypes), replicaSets and jobs (workload names), cniPolicies.

Verdict per workload, for each direction that isolates some pod of its namespace: FAIL when
a pod of the workload is not isolated for it; WARN for hostNetwork workloads (no policy can
isolate them); PASS when every pod is isolated for every such direction; NOT_APPLICABLE in
namespaces where no pod is isolated (KP-NET-001 and KP-NET-004 judge those);
NOT_EVALUATED where Cilium or Calico policies may apply.
*/

package network

import (
	"fmt"
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
			References: checks.References{NSA: []string{"C-0054"}},
		},
		Inputs:   policyInputs,
		Reads:    viewReads,
		Evaluate: unisolated,
	})
}

func unisolated(s *snapshot.Snapshot) []checks.Result {
	v := newView(s)
	// Which directions isolate some pod, per namespace.
	protected := map[string]map[netpol.Direction]bool{}
	for i, p := range v.e.Pods() {
		for _, d := range []netpol.Direction{netpol.Ingress, netpol.Egress} {
			if len(v.e.Isolating(i, d)) > 0 {
				if protected[p.Namespace] == nil {
					protected[p.Namespace] = map[netpol.Direction]bool{}
				}
				protected[p.Namespace][d] = true
			}
		}
	}
	ws := v.workloads()
	out := make([]checks.Result, 0, len(ws))
	for wi := range ws {
		w := &ws[wi]
		r := checks.Result{Resource: w.res, Evidence: checks.Evidence{
			Where: "networkpolicies of namespace " + w.res.Namespace + ": spec.podSelector, spec.policyTypes",
		}}
		dirs := protected[w.res.Namespace]
		var want []string
		for _, d := range []netpol.Direction{netpol.Ingress, netpol.Egress} {
			if dirs[d] {
				want = append(want, string(d))
			}
		}
		r.Evidence.Expected = "every pod isolated for " + strings.Join(want, " and ") + ", as other pods of the namespace are"
		if len(want) == 0 {
			r.Status = checks.NotApplicable
			r.Evidence.Expected = "pods isolated as their namespace's other pods are"
			r.Evidence.Observed = "no pod of the namespace is isolated"
			r.Reason = "no NetworkPolicy isolates any pod of this namespace (see KP-NET-001 and KP-NET-004)"
			out = append(out, v.unsure(r, w.res.Namespace))
			continue
		}
		var gaps []string
		host := false
		for _, pi := range w.pods {
			p := v.e.Pods()[pi]
			if p.Spec.HostNetwork {
				host = true
				continue
			}
			for _, d := range []netpol.Direction{netpol.Ingress, netpol.Egress} {
				if dirs[d] && len(v.e.Isolating(pi, d)) == 0 {
					gaps = append(gaps, fmt.Sprintf("pod %s is not isolated for %s", p.Name, d))
				}
			}
		}
		switch {
		case len(gaps) > 0:
			r.Status = checks.Fail
			if len(gaps) > 3 {
				gaps = append(gaps[:3], fmt.Sprintf("and %d more", len(gaps)-3))
			}
			r.Evidence.Observed = strings.Join(gaps, "; ")
		case host:
			r.Status = checks.Warn
			r.Evidence.Observed = "hostNetwork pods: NetworkPolicy cannot isolate them"
		default:
			r.Status = checks.Pass
			r.Evidence.Observed = fmt.Sprintf("%d %s isolated for %s", len(w.pods), plural(len(w.pods), "pod", "pods"), strings.Join(want, " and "))
		}
		out = append(out, v.unsure(r, w.res.Namespace))
	}
	return out
}
