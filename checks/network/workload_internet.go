/*
KP-NET-010: workloads cannot reach the internet unless they need to.

Source: NSA/CISA Kubernetes Hardening Guide, network policies (kubescape C-0030 "Ingress and
Egress blocked"): egress to the internet is how a compromised pod fetches tools and sends data
out. The answer is the netpol engine's (NetworkPolicySpec.Egress, IPBlock in k8s.io/api
networking/v1 v0.37.2): a pod not isolated for egress may connect anywhere; an isolated pod
may reach the internet when an egress rule has no to, or an ipBlock (minus its excepts)
covers an address outside the private, shared, loopback, link-local, documentation,
multicast and reserved ranges (RFC 6890 and the IPv6 equivalents). Rules whose ports are all
named cannot match an address outside the pod network.

Reads: namespaces, networkPolicies (spec.podSelector, .policyTypes, .egress), cniPolicies,
workloads (pods, deployments, statefulSets, daemonSets, replicaSets, jobs, cronJobs: each
workload's template judged as the pods it will create, its pods as they are).

Verdict per workload: WARN when its template or a pod may reach a public address (often needed: the
evidence says why, so that it can be confirmed or closed); PASS otherwise; NOT_EVALUATED where
Cilium or Calico policies may apply. An egress proxy or NAT rules outside the cluster are not
visible in the snapshot.
*/

package network

import (
	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:       "KP-NET-010",
			Title:    "Workloads cannot reach the internet unless they need to",
			Layer:    checks.Network,
			Severity: checks.Low,
			Description: "Pods that may connect to any public address can download tooling and exfiltrate data when " +
				"compromised. Workloads that need the internet should reach it through named ranges or an " +
				"egress proxy.",
			Remediation: "Deny egress by default (KP-NET-004), then allow the destinations each workload needs: " +
				"DNS, in-cluster peers, and ipBlocks for the external services it calls (or an egress gateway).",
		},
		Inputs: policyInputs,
		Reads:  viewReads,
		Evaluate: func(s *snapshot.Snapshot) []checks.Result {
			v := newView(s)
			return v.judgeUnits(v.e.Internet, reachVerdict(checks.Warn,
				"egress to public addresses denied, or limited to named ranges",
				"networkpolicies selecting the pods: spec.egress[].to[].ipBlock",
				"the internet: ", ""))
		},
	})
}
