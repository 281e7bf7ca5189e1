/*
KP-NET-019: the network plugin in use enforces NetworkPolicies (CIS 5.3.1).

Source: CIS Kubernetes Benchmark 1.12, 5.3.1 "Ensure that the CNI in use supports
NetworkPolicies" (manual in CIS): Kubernetes network policies are enforced by the CNI plugin in
use, and one that does not support them leaves the cluster's traffic unrestricted whatever
policies say. The Kubernetes documentation ("Network Policies", prerequisites): "Network
policies are implemented by the network plugin ... Creating a NetworkPolicy resource without a
controller that implements it will have no effect."

How the plugin is known: by its agent DaemonSet, in kube-system or the plugin's own namespace,
by name or container image, and, for plugins whose enforcement is optional, by the agent's own
switch (AWS VPC CNI's network policy agent and --enable-network-policy, kube-router's
--run-firewall, Weave Net's weave-npc container). Which plugins enforce NetworkPolicy is the
reviewed table in cni_plugins.go, one row per plugin with the plugin's own documentation. The
API groups the server serves (the plugins' CRDs) are read too: an enforcing plugin whose API is
served but whose agent was not found may still run (as a host service, or under another name),
so it turns a FAIL into MANUAL; it never makes a PASS, since CRDs outlive their plugin. k3s
runs flannel and its network policy controller inside its own binary, unseen: said in the
reason when nothing is recognised there.

Reads: daemonSets (namespace, name, containers' images, command and args), apiGroups
(discovery), cluster.provider.

	PASS    a recognised plugin that enforces NetworkPolicy runs (with others or not)
	FAIL    the recognised plugins enforce none (flannel alone, the VPC CNI without its agent)
	MANUAL  none is recognised, or an enforcing plugin's API is served without its agent
*/

package network

import (
	"sort"
	"strings"

	appsv1 "k8s.io/api/apps/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:       "KP-NET-019",
			Title:    "The network plugin enforces NetworkPolicies",
			Layer:    checks.Network,
			Severity: checks.High,
			Description: "NetworkPolicies are enforced by the network plugin, not by the API server: with a plugin that " +
				"does not implement them (flannel alone, the AWS VPC CNI without its network policy agent) every " +
				"policy is accepted and silently ignored, and every pod can reach every other.",
			Remediation: "Run a network plugin that enforces NetworkPolicy: Calico, Cilium, Antrea or kube-router, or Calico " +
				"beside flannel (Canal); on EKS enable the VPC CNI's network policy agent (enableNetworkPolicy: \"true\" " +
				"in the add-on's configuration), on AKS choose a network policy engine (Azure, Calico or Cilium), " +
				"on GKE use Dataplane V2 or enable network policy enforcement.",
			References: checks.References{CIS: []string{"5.3.1"}},
		},
		Inputs:   []snapshot.Resource{snapshot.ResDaemonSets, snapshot.ResAPIGroups},
		Evaluate: cniSupport,
	})
}

// cniFound is a recognised plugin's agent and whether it enforces NetworkPolicy as it runs.
type cniFound struct {
	plugin   *cniPlugin
	ds       *appsv1.DaemonSet
	enforces bool
	why      string // why not, when it does not
}

func (f *cniFound) String() string {
	return f.plugin.name + " (DaemonSet " + f.ds.Namespace + "/" + f.ds.Name + ")"
}

// detectCNI lists the recognised plugins' agents among the snapshot's DaemonSets.
func detectCNI(s *snapshot.Snapshot) []cniFound {
	var out []cniFound
	for i := range s.DaemonSets {
		ds := &s.DaemonSets[i]
		for pi := range cniPlugins {
			p := &cniPlugins[pi]
			if !p.matches(ds) {
				continue
			}
			f := cniFound{plugin: p, ds: ds, enforces: !p.never}
			if f.enforces && p.enforces != nil {
				f.enforces, f.why = p.enforces(ds)
			}
			out = append(out, f)
			break
		}
	}
	return out
}

func cniSupport(s *snapshot.Snapshot) []checks.Result {
	found := detectCNI(s)
	r := checks.Result{Resource: checks.Resource{Kind: "Cluster"}, Evidence: checks.Evidence{
		Expected: "a network plugin that enforces NetworkPolicy",
		Where:    "daemonsets in kube-system and the plugins' namespaces (names, container images and flags); API groups served",
	}}
	var enforcing, not []string
	running := map[*cniPlugin]bool{}
	for i := range found {
		f := &found[i]
		running[f.plugin] = true
		switch {
		case f.enforces:
			enforcing = append(enforcing, f.String()+": "+f.plugin.says+" ("+f.plugin.source+")")
		case f.why != "":
			not = append(not, f.String()+" does not enforce NetworkPolicy: "+f.why+"; "+f.plugin.says+" ("+f.plugin.source+")")
		default:
			not = append(not, f.String()+" does not enforce NetworkPolicy: "+f.plugin.says+" ("+f.plugin.source+")")
		}
	}
	// Enforcing plugins whose API is served but whose agent was not found.
	served := map[string]bool{}
	for _, g := range s.APIGroups {
		served[g] = true
	}
	var apiOnly []string
	for pi := range cniPlugins {
		p := &cniPlugins[pi]
		if p.never || running[p] {
			continue
		}
		for _, g := range p.apiGroups {
			if served[g] {
				apiOnly = append(apiOnly, p.name+" ("+g+")")
				break
			}
		}
	}

	switch {
	case len(enforcing) > 0:
		r.Status = checks.Pass
		r.Evidence.Observed = strings.Join(append(enforcing, not...), "; ")
	case len(not) > 0 && len(apiOnly) == 0:
		r.Status = checks.Fail
		r.Evidence.Observed = strings.Join(not, "; ")
	case len(not) > 0:
		r.Status = checks.Manual
		r.Evidence.Observed = strings.Join(not, "; ") + "; API served: " + strings.Join(apiOnly, ", ")
		r.Reason = "the recognised plugins do not enforce NetworkPolicy, but the API of " + strings.Join(apiOnly, ", ") +
			" is served without its agent DaemonSet: confirm whether it enforces policies here"
	default:
		r.Status = checks.Manual
		r.Evidence.Observed = "no known network plugin's DaemonSet (" + knownPlugins() + ")"
		r.Reason = "the network plugin in use is not recognised: confirm that it enforces NetworkPolicy"
		switch {
		case len(apiOnly) > 0:
			r.Evidence.Observed += "; API served: " + strings.Join(apiOnly, ", ")
			r.Reason = "no network plugin's agent DaemonSet was found, but the API of " + strings.Join(apiOnly, ", ") +
				" is served: confirm that it runs and enforces NetworkPolicy"
		case s.Cluster.Provider == snapshot.ProviderK3s:
			r.Reason = "k3s runs flannel and its network policy controller inside its own binary, which enforces " +
				"NetworkPolicy unless the servers were started with --disable-network-policy: confirm on the servers"
		}
	}
	return []checks.Result{r}
}

// knownPlugins names the table's plugins, for evidence.
func knownPlugins() string {
	names := make([]string, len(cniPlugins))
	for i := range cniPlugins {
		names[i] = cniPlugins[i].name
	}
	sort.Strings(names)
	return "looked for " + strings.Join(names, ", ")
}
