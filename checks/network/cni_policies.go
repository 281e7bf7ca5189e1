/*
KP-NET-015: the network plugin's own policies are reviewed.

Source: the semantics of the plugins' policies from their own documentation: Cilium's CiliumNetworkPolicy and
CiliumClusterwideNetworkPolicy (cilium.io) add allow and deny rules that combine with
Kubernetes NetworkPolicies, and Calico's NetworkPolicy and GlobalNetworkPolicy
(crd.projectcalico.org) are ordered, have Deny and Pass actions, and run before Kubernetes
policies. kubeposture collects them (collect/cni.go) but does not evaluate them yet, so the
network controls built on the NetworkPolicy engine report NOT_EVALUATED where they may apply
rather than a verdict that could be wrong; this control lists them for a person to review.
It carries no CIS reference: CIS 5.3.1 (the CNI supports NetworkPolicies) applies to every
cluster, and a list of plugin policies neither passes nor fails it (KP-NET-019 decides it).

Reads: cniPolicies (resource, kind, namespace, name), and the collection outcome of the four
kinds in resources.

Verdict per plugin policy: MANUAL (what it allows or denies is for a person to judge); one
NOT_EVALUATED result per kind the collector could not list (forbidden, failed); no result,
hence NOT_APPLICABLE, when none is installed.
*/

package network

import (
	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:       "KP-NET-015",
			Title:    "Network plugin policies are reviewed",
			Layer:    checks.Network,
			Severity: checks.Info,
			Description: "Cilium and Calico policies change what NetworkPolicies allow: Cilium adds allows and denies, " +
				"Calico evaluates its ordered policies (with Deny and Pass) first. kubeposture does not evaluate " +
				"them yet; network conclusions in the namespaces they cover are NOT_EVALUATED.",
			Remediation: "Review each listed policy (kubectl get KIND -A -o yaml) against the flows its namespace needs, " +
				"and keep default-deny and metadata-blocking rules consistent between the plugin's policies " +
				"and NetworkPolicies.",
		},
		Reads:    snapshot.CNIPolicyResources,
		Evaluate: cniPolicies,
	})
}

func cniPolicies(s *snapshot.Snapshot) []checks.Result {
	var out []checks.Result
	for _, r := range snapshot.CNIPolicyResources {
		col, ok := s.Status(r)
		if ok && col.State != snapshot.Collected && col.State != snapshot.Partial {
			reason := string(r) + ": " + string(col.State)
			if col.Message != "" {
				reason += ": " + col.Message
			}
			out = append(out, checks.Result{Status: checks.NotEvaluated, Resource: checks.Resource{Kind: string(r)}, Reason: reason})
		}
	}
	for _, p := range s.CNIPolicies {
		scope := "namespace " + p.Namespace
		if p.Namespace == "" {
			scope = "every namespace"
		}
		out = append(out, checks.Result{
			Status:   checks.Manual,
			Resource: checks.Resource{Kind: p.Kind, Namespace: p.Namespace, Name: p.Name},
			Evidence: checks.Evidence{
				Observed: p.Kind + " (" + p.APIVersion + ") may select pods of " + scope + "; not evaluated by kubeposture",
				Expected: "reviewed by a person",
				Where:    string(p.Resource),
			},
			Reason: "the network plugin's policy semantics are not evaluated yet",
		})
	}
	return out
}
