/*
KP-NET-017: every namespace has a NetworkPolicy defined (CIS 5.3.2).

Source: CIS Kubernetes Benchmark 1.12, 5.3.2 "Ensure that all Namespaces have NetworkPolicies
defined" (manual in CIS); the audit reviews `kubectl get networkpolicy --all-namespaces` and asks
that "each namespace defined in the cluster has at least one Network Policy". NSA/CISA hardening
guide, network policies, as kubescape ids it: C-0054 "Cluster internal networking", which "lists
namespaces in which no network policy ... is defined". The item asks whether policies are
defined, not what they do: KP-NET-001 (a default deny for ingress), KP-NET-004 (egress) and
KP-NET-008 (workloads left out of the selectors) ask more and claim neither item.

Decisions: every namespace is judged, those without pods too (CIS says each namespace defined in
the cluster; a policy defined now also covers the pods created later). A network plugin's own
namespaced policy (CiliumNetworkPolicy, Calico NetworkPolicy) is a network policy defined in the
namespace and passes, as kubescape counts Cilium's; cluster-wide plugin policies
(CiliumClusterwideNetworkPolicy, Calico GlobalNetworkPolicy) are not defined in the namespace and
do not, though the evidence names them. Where a plugin kind could not be listed, a namespace
without a NetworkPolicy is NOT_EVALUATED: it may hold one of them.

Reads: namespaces, networkPolicies[].metadata.namespace, cniPolicies (namespace, kind, name), the
collection state of the plugin policy kinds.

	PASS  at least one NetworkPolicy, or plugin network policy, in the namespace
	FAIL  none
	NOT_EVALUATED  none seen, and a plugin policy kind could not be listed
*/

package network

import (
	"fmt"
	"sort"
	"strings"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:       "KP-NET-017",
			Title:    "Every namespace has a NetworkPolicy",
			Layer:    checks.Network,
			Severity: checks.Medium,
			Description: "A namespace without any NetworkPolicy leaves every pod in it, now and later, open to " +
				"every other pod of the cluster: one compromised pod reaches them all.",
			Remediation: "Define NetworkPolicies in every namespace, starting with a default deny " +
				"(podSelector: {}, policyTypes: [Ingress, Egress]) and adding the flows its pods need.",
			References: checks.References{CIS: []string{"5.3.2"}, NSA: []string{"C-0054"}},
		},
		Inputs:   []snapshot.Resource{snapshot.ResNamespaces, snapshot.ResNetworkPolicies},
		Reads:    snapshot.CNIPolicyResources,
		Evaluate: policiesDefined,
	})
}

func policiesDefined(s *snapshot.Snapshot) []checks.Result {
	defined := map[string][]string{}
	for i := range s.NetworkPolicies {
		np := &s.NetworkPolicies[i]
		defined[np.Namespace] = append(defined[np.Namespace], "NetworkPolicy "+np.Name)
	}
	var clusterWide []string
	for _, p := range s.CNIPolicies {
		if p.Namespace == "" {
			clusterWide = append(clusterWide, p.Kind+" "+p.Name)
		} else {
			defined[p.Namespace] = append(defined[p.Namespace], p.Kind+" "+p.Name)
		}
	}
	var unlisted []string
	for _, r := range snapshot.CNIPolicyResources {
		if col, ok := s.Status(r); ok && col.State != snapshot.Collected && col.State != snapshot.Partial {
			unlisted = append(unlisted, string(r)+" ("+string(col.State)+")")
		}
	}
	out := make([]checks.Result, 0, len(s.Namespaces))
	for i := range s.Namespaces {
		ns := s.Namespaces[i].Name
		r := checks.Result{Resource: checks.Resource{Kind: "Namespace", Name: ns}, Evidence: checks.Evidence{
			Expected: "at least one NetworkPolicy in the namespace",
			Where:    "namespace/" + ns + ": networkpolicies (and network plugin policies)",
		}}
		names := defined[ns]
		switch {
		case len(names) > 0:
			sort.Strings(names)
			r.Status = checks.Pass
			r.Evidence.Observed = fmt.Sprintf("%d defined: %s", len(names), firstNames(names))
		case len(unlisted) > 0:
			r.Status = checks.NotEvaluated
			r.Reason = "no NetworkPolicy here, and network plugin policies that could not be listed may be: " + strings.Join(unlisted, ", ")
		default:
			r.Status = checks.Fail
			r.Evidence.Observed = "no NetworkPolicy defined"
			if len(clusterWide) > 0 {
				sort.Strings(clusterWide)
				r.Evidence.Observed += " (cluster-wide plugin policies, not defined in the namespace: " + firstNames(clusterWide) + ")"
			}
		}
		out = append(out, r)
	}
	return out
}
