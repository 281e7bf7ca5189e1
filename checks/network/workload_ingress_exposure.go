/*
KP-NET-009: workloads accept connections only from the peers they need.

Source: NSA/CISA Kubernetes Hardening Guide, network policies (kubescape C-0054 "Cluster
internal networking", C-0030 "Ingress and Egress blocked"). The answers are the netpol
engine's, from the NetworkPolicy API reference (k8s.io/api networking/v1 v0.37.2) and the
Kubernetes documentation: a pod that no policy isolates for ingress accepts every source; an
isolated pod accepts what an ingress rule allows. "Any address" means a rule without from, or
an ipBlock whose cidr is 0.0.0.0/0 or ::/0; "every pod" means that, or a peer with an empty
namespaceSelector and no (or an empty) podSelector. Sources' own egress policies are not
considered: this is what the workload lets in.

Reads: namespaces, networkPolicies (spec.podSelector, .policyTypes, .ingress), cniPolicies,
workloads (pods, deployments, statefulSets, daemonSets, replicaSets, jobs, cronJobs: each
workload's template judged as the pods it will create, its pods as they are).

Verdict per workload: FAIL when its template or a pod accepts connections from any address (its
namespace routes the internet to it through a LoadBalancer, NodePort or Ingress whenever one
exists); WARN when a pod accepts connections from every pod of the cluster but not from any
address; PASS otherwise; hostNetwork pods answer "any address" (policies do not apply to them);
NOT_EVALUATED where Cilium or Calico policies may apply.
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
			ID:       "KP-NET-009",
			Title:    "Workloads accept connections only from the peers they need",
			Layer:    checks.Network,
			Severity: checks.Medium,
			Description: "A workload that accepts connections from any address is one exposed Service away from the " +
				"internet; one that accepts every pod of the cluster lets a compromise anywhere reach it. " +
				"Each workload's ingress should name its clients.",
			Remediation: "Select the workload with an ingress policy whose from lists its clients (a podSelector, a " +
				"namespaceSelector with a podSelector, or the load balancer's ipBlock) and its ports; avoid " +
				"rules without from and ipBlocks of 0.0.0.0/0 or ::/0.",
		},
		Inputs:   policyInputs,
		Reads:    viewReads,
		Evaluate: ingressExposure,
	})
}

func ingressExposure(s *snapshot.Snapshot) []checks.Result {
	v := newView(s)
	out := make([]checks.Result, 0, len(v.units))
	for i := range v.units {
		u := &v.units[i]
		r := checks.Result{Resource: u.res, Evidence: checks.Evidence{
			Expected: "ingress limited to named peers (no rule without from, no ipBlock 0.0.0.0/0 or ::/0, no namespaceSelector {} alone)",
			Where:    "networkpolicies selecting the pods: spec.ingress[].from",
		}}
		var outside, allPods findings
		var closed *netpol.Answer
		for gi := range v.groups[i] {
			g := &v.groups[i][gi]
			if a := v.e.FromOutside(g.ep); a.Yes {
				outside.add(a, g)
			} else if a := v.e.OpenToAllPods(g.ep); a.Yes {
				allPods.add(a, g)
			} else if closed == nil {
				closed = &a
			}
		}
		switch {
		case len(outside) > 0:
			r.Status = checks.Fail
			r.Evidence.Observed = u.describe(outside, "accepts connections from any address: ", "accept connections from any address: ")
		case len(allPods) > 0:
			r.Status = checks.Warn
			r.Evidence.Observed = u.describe(allPods, "accepts connections from every pod: ", "accept connections from every pod: ")
		default:
			r.Status = checks.Pass
			r.Evidence.Observed = "ingress limited: " + closed.Because
		}
		out = append(out, v.unsure(r, u.res.Namespace))
	}
	return out
}
