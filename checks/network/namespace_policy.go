/*
KP-NET-001: every namespace that runs pods has at least one NetworkPolicy.

Source: CIS Kubernetes Benchmark 1.12, 5.3.2 "Ensure that all Namespaces have NetworkPolicies
defined" (manual in CIS; the snapshot answers it); NSA/CISA hardening guide, network
policies (kubescape C-0054 "Cluster internal networking"). Without a policy selecting them,
pods accept traffic from every pod in the cluster and may send traffic anywhere.

Reads: namespaces, pods[].metadata.namespace, networkPolicies[].metadata.namespace.

Verdict per namespace: PASS with at least one NetworkPolicy; FAIL with pods and no
NetworkPolicy; NOT_APPLICABLE with neither (a policy would select nothing). This is an
existence check: what the policies allow is not judged here, nor whether the CNI enforces
them (CIS 5.3.1), nor hostNetwork pods, which policies do not isolate.
*/

package network

import (
	"fmt"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:       "KP-NET-001",
			Title:    "Namespaces have a NetworkPolicy",
			Layer:    checks.Network,
			Severity: checks.Medium,
			Description: "Pods that no NetworkPolicy selects accept connections from every pod in the " +
				"cluster and can reach any address, so one compromised pod can reach all the others. " +
				"A default-deny policy in each namespace makes every allowed flow explicit.",
			Remediation: "Add a default-deny policy to each listed namespace, then policies that allow " +
				"the flows its pods need (and DNS egress):\n" +
				"apiVersion: networking.k8s.io/v1\n" +
				"kind: NetworkPolicy\n" +
				"metadata:\n" +
				"  name: default-deny-all\n" +
				"  namespace: NAME\n" +
				"spec:\n" +
				"  podSelector: {}\n" +
				"  policyTypes: [Ingress, Egress]",
			References: checks.References{CIS: []string{"5.3.2"}, NSA: []string{"C-0054"}},
		},
		Inputs:   []snapshot.Resource{snapshot.ResNamespaces, snapshot.ResPods, snapshot.ResNetworkPolicies},
		Evaluate: namespacePolicy,
	})
}

func namespacePolicy(s *snapshot.Snapshot) []checks.Result {
	pods := make(map[string]int, len(s.Namespaces))
	for i := range s.Pods {
		pods[s.Pods[i].Namespace]++
	}
	policies := make(map[string]int, len(s.Namespaces))
	for i := range s.NetworkPolicies {
		policies[s.NetworkPolicies[i].Namespace]++
	}

	// The namespaces of pods are included too, in case the namespace list is partial: a pod
	// is never left out because its namespace object was not seen.
	names := make([]string, 0, len(s.Namespaces))
	seen := make(map[string]bool, len(s.Namespaces))
	for i := range s.Namespaces {
		if n := s.Namespaces[i].Name; !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	for i := range s.Pods {
		if n := s.Pods[i].Namespace; !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}

	out := make([]checks.Result, 0, len(names))
	for _, ns := range names {
		np, p := policies[ns], pods[ns]
		r := checks.Result{
			Resource: checks.Resource{Kind: "Namespace", Name: ns},
			Evidence: checks.Evidence{
				Observed: fmt.Sprintf("%d %s, %d %s", np, plural(np, "NetworkPolicy", "NetworkPolicies"), p, plural(p, "pod", "pods")),
				Expected: "at least one NetworkPolicy in every namespace that runs pods",
				Where:    "namespace/" + ns,
			},
		}
		switch {
		case np > 0:
			r.Status = checks.Pass
		case p > 0:
			r.Status = checks.Fail
		default:
			r.Status = checks.NotApplicable
			r.Reason = "no pods run in this namespace; a policy would select nothing"
		}
		out = append(out, r)
	}
	return out
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
