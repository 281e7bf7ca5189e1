package node

import (
	"fmt"
	"sort"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
	corev1 "k8s.io/api/core/v1"
	kubeletv1beta1 "k8s.io/kubelet/config/v1beta1"
)

// inputs gates the kubelet checks on the node list only. The configz outcome is judged per
// node by eachKubelet, so that a report says for each node why it was not evaluated (the
// kubelet was unreachable, nodes/proxy was forbidden) instead of one line for the cluster.
var inputs = []snapshot.Resource{snapshot.ResNodes}

// sources are what the kubelet checks read a node's kubelet from: its configz, or else its
// node report. Either suffices for a node (checks.Check.AnyInputs), so neither is an input.
var sources = []snapshot.Resource{snapshot.ResKubeletConfigs, snapshot.ResNodeReports}

// kubeletView is what is known of one node's kubelet: the effective configuration from
// configz when the collector read it (the kubelet's own merge of flags, file and defaults),
// else the one the node agent computed from the command line and config file.
type kubeletView struct {
	Node string
	// Config is the effective configuration; Source says where it came from.
	Config *kubeletv1beta1.KubeletConfiguration
	Source string
	// Agent is the node agent's view of the kubelet, nil without a node report: it alone
	// has the command line (flags that configz does not show, such as --hostname-override).
	Agent *snapshot.NodeKubelet
}

const (
	sourceConfigz = "configz"
	sourceAgent   = "node agent"
)

// eachKubelet judges the configuration of every node's kubelet, one result per node (then
// grouped, see group). field is the configz path the check reads, for Evidence.Where. A node
// whose configuration was not seen gets NOT_EVALUATED with the reason; with no kubelet at
// all, one NOT_EVALUATED result says so.
func eachKubelet(snap *snapshot.Snapshot, field string, judge func(cfg *kubeletv1beta1.KubeletConfiguration, ev checks.Evidence) checks.Result) []checks.Result {
	return eachKubeletView(snap, func(v *kubeletView) string { return where(v, field) },
		func(v *kubeletView, ev checks.Evidence) checks.Result { return judge(v.Config, ev) })
}

// where names the place a field was read: configz, or the node agent's effective value
// with its origin (flag, config file, or which default).
func where(v *kubeletView, field string) string {
	if v.Source == sourceAgent {
		origin := v.Agent.Sources[field]
		if origin == "" {
			origin = "computed"
		}
		return fmt.Sprintf("kubelet %s (node %s, node agent: %s)", field, v.Node, origin)
	}
	return fmt.Sprintf("kubelet configz %s (node %s)", field, v.Node)
}

// eachKubeletView is eachKubelet for checks that need more than the configuration; judge is
// called only for nodes whose configuration was seen.
func eachKubeletView(snap *snapshot.Snapshot, whereOf func(v *kubeletView) string, judge func(v *kubeletView, ev checks.Evidence) checks.Result) []checks.Result {
	col, attempted := snap.Status(snapshot.ResKubeletConfigs)
	kubelets := snap.Kubelets
	if !attempted {
		kubelets = nil // configz was not read: entries without an outcome are not evidence
	}
	if len(kubelets) == 0 && len(snap.NodeReports) == 0 {
		reason := "no kubelet configuration collected (nodes/proxy configz was not read: --skip-kubelet, or no node; no node report was merged)"
		if attempted && col.State != snapshot.Collected {
			reason = notCollectedReason(col)
		}
		return []checks.Result{{Status: checks.NotEvaluated, Resource: checks.Resource{Kind: "Cluster"}, Reason: reason}}
	}
	var nodes []string
	seen := map[string]bool{}
	byNode := map[string]*snapshot.Kubelet{}
	for i := range kubelets {
		k := &kubelets[i]
		byNode[k.Node] = k
		if !seen[k.Node] {
			seen[k.Node] = true
			nodes = append(nodes, k.Node)
		}
	}
	reports := make(map[string]*snapshot.NodeReport, len(snap.NodeReports))
	for i, r := range snap.NodeReports {
		reports[r.Node] = &snap.NodeReports[i]
		if !seen[r.Node] {
			seen[r.Node] = true
			nodes = append(nodes, r.Node)
		}
	}
	sort.Strings(nodes)
	out := make([]checks.Result, 0, len(nodes))
	for _, node := range nodes {
		v := &kubeletView{Node: node}
		k := byNode[node]
		rep := reports[node]
		if rep != nil {
			v.Agent = rep.Kubelet
		}
		var r checks.Result
		switch {
		case k != nil && k.Collection.State == snapshot.Collected && k.Config != nil:
			v.Config, v.Source = k.Config, sourceConfigz
		case v.Agent != nil && v.Agent.Effective != nil:
			v.Config, v.Source = v.Agent.Effective, sourceAgent
		}
		ev := checks.Evidence{Where: whereOf(v)}
		switch {
		case v.Config != nil:
			r = judge(v, ev)
		case k != nil && k.Collection.State != snapshot.Collected:
			r = checks.Result{Status: checks.NotEvaluated, Evidence: ev, Reason: notCollectedReason(k.Collection)}
		case k != nil:
			r = checks.Result{Status: checks.NotEvaluated, Evidence: ev,
				Reason: "the kubelet's configz held no configuration"}
		case rep.Kubelet == nil:
			st, reason := noKubelet(snap, rep)
			ev.Observed = "no kubelet process"
			r = checks.Result{Status: st, Evidence: ev, Reason: reason}
		default:
			r = checks.Result{Status: checks.NotEvaluated, Evidence: ev,
				Reason: "the node agent could not read the kubelet's config file " + rep.Kubelet.ConfigFile + " (see the node report's errors)"}
		}
		r.Resource = checks.Resource{Kind: "Node", Name: node}
		out = append(out, r)
	}
	return group(out)
}

// noKubelet is the verdict on a kubelet's configuration or files for a node whose report holds
// no kubelet: NOT_APPLICABLE when the node agent read the node's process table and found none,
// unless the API server shows the node Ready (its kubelet reports, so the agent missed it);
// NOT_EVALUATED when the agent could not read the process table (or, reporting before it
// recorded that, did not say) or missed a kubelet that runs.
func noKubelet(snap *snapshot.Snapshot, rep *snapshot.NodeReport) (checks.Status, string) {
	switch {
	case !rep.ProcessTable:
		return checks.NotEvaluated, "the node agent could not read the node's process table, so whether a kubelet runs there is unknown (mount the host's /proc; see the node report's errors)"
	case readyNode(snap, rep.Node):
		return checks.NotEvaluated, "the node agent found no kubelet process, but the node is Ready, so its kubelet runs: run the agent with the host's /proc (see the node report's errors)"
	}
	return checks.NotApplicable, "no kubelet runs on this node: the node agent found none in its process table"
}

// readyNode tells whether the snapshot holds the Node name with its Ready condition True:
// a kubelet runs there and reports.
func readyNode(snap *snapshot.Snapshot, name string) bool {
	for i := range snap.Nodes {
		if snap.Nodes[i].Name != name {
			continue
		}
		for _, c := range snap.Nodes[i].Status.Conditions {
			if c.Type == corev1.NodeReady {
				return c.Status == corev1.ConditionTrue
			}
		}
	}
	return false
}

func notCollectedReason(c snapshot.Collection) string {
	if c.Message != "" {
		return c.Message
	}
	if c.State == "" {
		return "kubelet configz not collected"
	}
	return fmt.Sprintf("kubelet configz not collected (%s)", c.State)
}

// notReported is the verdict on a field the kubelet left out of configz: it was not seen, so
// it has not passed.
func notReported(ev checks.Evidence) checks.Result {
	ev.Observed = "absent from configz"
	return checks.Result{Status: checks.NotEvaluated, Evidence: ev,
		Reason: "the kubelet did not report this field in its configz"}
}

func verdict(pass bool, ev checks.Evidence) checks.Result {
	if pass {
		return checks.Result{Status: checks.Pass, Evidence: ev}
	}
	return checks.Result{Status: checks.Fail, Evidence: ev}
}
