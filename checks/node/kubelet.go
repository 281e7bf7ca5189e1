package node

import (
	"fmt"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
	kubeletv1beta1 "k8s.io/kubelet/config/v1beta1"
)

// inputs gates the kubelet checks on the node list only. The configz outcome is judged per
// node by eachKubelet, so that a report says for each node why it was not evaluated (the
// kubelet was unreachable, nodes/proxy was forbidden) instead of one line for the cluster.
var inputs = []snapshot.Resource{snapshot.ResNodes}

// eachKubelet judges the configuration of every node's kubelet, one result per node. field
// is the configz path the check reads, for Evidence.Where. A node whose configz was not
// collected gets NOT_EVALUATED with the collector's message; with no kubelet at all, one
// NOT_EVALUATED result says so.
func eachKubelet(snap *snapshot.Snapshot, field string, judge func(cfg *kubeletv1beta1.KubeletConfiguration, ev checks.Evidence) checks.Result) []checks.Result {
	col, attempted := snap.Status(snapshot.ResKubeletConfigs)
	if !attempted || len(snap.Kubelets) == 0 {
		reason := "no kubelet configuration collected (nodes/proxy configz was not read: --skip-kubelet, or no node)"
		if attempted && col.State != snapshot.Collected {
			reason = notCollectedReason(col)
		}
		return []checks.Result{{Status: checks.NotEvaluated, Resource: checks.Resource{Kind: "Cluster"}, Reason: reason}}
	}
	out := make([]checks.Result, 0, len(snap.Kubelets))
	for i := range snap.Kubelets {
		k := &snap.Kubelets[i]
		ev := checks.Evidence{Where: fmt.Sprintf("kubelet configz %s (node %s)", field, k.Node)}
		var r checks.Result
		switch {
		case k.Collection.State != snapshot.Collected:
			r = checks.Result{Status: checks.NotEvaluated, Evidence: ev, Reason: notCollectedReason(k.Collection)}
		case k.Config == nil:
			r = checks.Result{Status: checks.NotEvaluated, Evidence: ev,
				Reason: "the kubelet's configz held no configuration"}
		default:
			r = judge(k.Config, ev)
		}
		r.Resource = checks.Resource{Kind: "Node", Name: k.Node}
		out = append(out, r)
	}
	return out
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
