/*
KP-NET-001: every namespace that runs pods denies ingress by default.

Source: CIS Kubernetes Benchmark 1.12, 5.3.2 "Ensure that all Namespaces have NetworkPolicies
defined" (manual in CIS; the snapshot answers it); NSA/CISA hardening guide, network
policies (kubescape C-0030 "Ingress and Egress blocked", C-0054 "Cluster internal
networking"). A policy that selects some pods leaves the others, and every pod created later,
open to all traffic: only a default deny makes every allowed flow explicit. The rule, from the
NetworkPolicy API reference (k8s.io/api networking/v1 NetworkPolicySpec, v0.37.2) and the
Kubernetes documentation's "Default policies": a policy with an empty podSelector selects
every pod of its namespace, and with Ingress among its effective policyTypes (policyTypes
omitted means [Ingress], plus Egress when it has egress rules) isolates them all for ingress;
whatever no policy allows is then denied. Computed by the netpol engine.

Reads: namespaces, pods[].metadata.namespace, the workloads whose pods are not running
(a CronJob between runs, a Deployment scaled to zero or just applied: internal/owners; a Job
whose Complete or Failed condition is true will create no pod), networkPolicies[].spec.podSelector,
.policyTypes, .egress; cniPolicies (Cilium, Calico).

Verdict per namespace: PASS when a NetworkPolicy with an empty podSelector governs Ingress;
FAIL when pods run, or a workload will create some, and none does; NOT_APPLICABLE when
neither (a policy would select nothing); NOT_EVALUATED instead of FAIL
or PASS where Cilium or Calico policies may apply (they are not evaluated yet). Egress is
KP-NET-004; rules that reopen everything are KP-NET-005; hostNetwork pods, which no policy
isolates, are KP-NET-012.
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
			ID:       "KP-NET-001",
			Title:    "Namespaces deny ingress by default",
			Layer:    checks.Network,
			Severity: checks.Medium,
			Description: "Pods that no NetworkPolicy isolates for ingress accept connections from every pod in the " +
				"cluster, so one compromised pod can reach all the others. A policy with an empty podSelector " +
				"that governs Ingress isolates every pod of the namespace, including pods created later, and " +
				"makes every allowed flow explicit.",
			Remediation: "Add a default-deny policy to each listed namespace, then policies that allow " +
				"the flows its pods need:\n" +
				"apiVersion: networking.k8s.io/v1\n" +
				"kind: NetworkPolicy\n" +
				"metadata:\n" +
				"  name: default-deny-ingress\n" +
				"  namespace: NAME\n" +
				"spec:\n" +
				"  podSelector: {}\n" +
				"  policyTypes: [Ingress]",
		},
		Inputs: policyInputs,
		Reads:  viewReads,
		Evaluate: func(s *snapshot.Snapshot) []checks.Result {
			return defaultDeny(s, netpol.Ingress)
		},
	})
}

// defaultDeny judges every namespace (and the namespace of every workload, in case the
// namespace list is partial) for a default deny in direction d. A namespace is subject to it
// when pods run there or a workload there will create some: a CronJob between runs, a
// Deployment scaled to zero, a workload just applied.
func defaultDeny(s *snapshot.Snapshot, d netpol.Direction) []checks.Result {
	v := newView(s)
	pods := make(map[string]int, len(s.Namespaces))
	for i := range s.Pods {
		pods[s.Pods[i].Namespace]++
	}
	// idle lists, per namespace, the workloads that run no pod now but will create some.
	idle := map[string][]string{}
	for i := range v.units {
		if u := &v.units[i]; u.template != nil && len(u.pods) == 0 {
			idle[u.res.Namespace] = append(idle[u.res.Namespace], u.res.Kind+" "+u.res.Name)
		}
	}
	partial := make(map[string]int, len(s.Namespaces)) // policies governing d for some pods only
	for i := range s.NetworkPolicies {
		np := &s.NetworkPolicies[i]
		if netpol.EffectiveTypes(&np.Spec)[d] {
			partial[np.Namespace]++
		}
	}
	names := make([]string, 0, len(s.Namespaces))
	seen := make(map[string]bool, len(s.Namespaces))
	for i := range s.Namespaces {
		if n := s.Namespaces[i].Name; !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	for i := range v.units {
		if n := v.units[i].res.Namespace; !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}

	dir := strings.ToLower(string(d))
	out := make([]checks.Result, 0, len(names))
	for _, ns := range names {
		deny := v.e.DefaultDeny(ns, d)
		p := pods[ns]
		r := checks.Result{
			Resource: checks.Resource{Kind: "Namespace", Name: ns},
			Evidence: checks.Evidence{
				Expected: fmt.Sprintf("a NetworkPolicy with podSelector {} and %s in policyTypes", d),
				Where:    "namespace/" + ns + ": networkpolicies spec.podSelector, spec.policyTypes",
			},
		}
		podsText := fmt.Sprintf("%d %s", p, plural(p, "pod", "pods"))
		if w := idle[ns]; len(w) > 0 {
			podsText += fmt.Sprintf(", and %d %s that will create pods (%s)", len(w),
				plural(len(w), "workload", "workloads"), firstNames(w))
		}
		switch {
		case len(deny) > 0:
			r.Status = checks.Pass
			r.Evidence.Observed = fmt.Sprintf("%s isolates every pod for %s; %s", joinRefs(deny), dir, podsText)
		case p > 0 || len(idle[ns]) > 0:
			r.Status = checks.Fail
			n := partial[ns] - len(deny)
			if n > 0 {
				r.Evidence.Observed = fmt.Sprintf("no default deny for %s: %d %s %s for selected pods only; %s",
					dir, n, plural(n, "NetworkPolicy governs", "NetworkPolicies govern"), dir, podsText)
			} else {
				r.Evidence.Observed = fmt.Sprintf("no NetworkPolicy governs %s; %s", dir, podsText)
			}
		default:
			r.Status = checks.NotApplicable
			r.Evidence.Observed = "no default deny for " + dir + "; 0 pods"
			r.Reason = "no pods run in this namespace and no workload here will create any; a policy would select nothing"
		}
		out = append(out, v.unsure(r, ns))
	}
	return out
}

func joinRefs(refs []netpol.PolicyRef) string {
	names := make([]string, len(refs))
	for i, r := range refs {
		names[i] = "NetworkPolicy " + r.Name
	}
	return strings.Join(names, ", ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
