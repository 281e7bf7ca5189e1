/*
KP-NET-004: every namespace that runs pods denies egress by default.

Source: NSA/CISA Kubernetes Hardening Guide, network policies (kubescape C-0030 "Ingress and
Egress blocked"): egress should be denied by default as ingress is, so that a compromised pod
cannot reach other pods, the cloud metadata service or the internet. CIS 5.3.2 asks for
policies in every namespace without saying which direction; this is its egress half. The rule,
from the NetworkPolicy API reference (NetworkPolicySpec.PolicyTypes, k8s.io/api v0.37.2):
policyTypes omitted defaults to [Ingress] (plus Egress only when egress rules exist), so a
default deny for egress must list Egress explicitly; an empty podSelector selects every pod.

Reads: namespaces, pods[].metadata.namespace, the workloads whose pods are not running (as
KP-NET-001), networkPolicies[].spec.podSelector, .policyTypes, .egress; cniPolicies.

Verdict per namespace: PASS when a NetworkPolicy with an empty podSelector governs Egress;
FAIL when pods run, or a workload will create some, and none does; NOT_APPLICABLE when
neither; NOT_EVALUATED where Cilium or Calico policies may apply.
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
			ID:       "KP-NET-004",
			Title:    "Namespaces deny egress by default",
			Layer:    checks.Network,
			Severity: checks.Medium,
			Description: "Pods that no NetworkPolicy isolates for egress may connect anywhere: other pods, the " +
				"API server, the cloud metadata service, the internet. A policy with an empty podSelector " +
				"and Egress in policyTypes isolates every pod of the namespace for egress. Without an " +
				"explicit policyTypes a policy without egress rules does not touch egress.",
			Remediation: "Add a default-deny egress policy to each listed namespace, then allow what its pods " +
				"need (DNS first):\n" +
				"apiVersion: networking.k8s.io/v1\n" +
				"kind: NetworkPolicy\n" +
				"metadata:\n" +
				"  name: default-deny-egress\n" +
				"  namespace: NAME\n" +
				"spec:\n" +
				"  podSelector: {}\n" +
				"  policyTypes: [Egress]",
		},
		Inputs: policyInputs,
		Reads:  viewReads,
		Evaluate: func(s *snapshot.Snapshot) []checks.Result {
			return defaultDeny(s, netpol.Egress)
		},
	})
}
