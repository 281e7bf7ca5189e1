package node

import (
	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
	corev1 "k8s.io/api/core/v1"
)

// eachNode judges every Node object, one result per node, then groups them (see group).
func eachNode(snap *snapshot.Snapshot, judge func(n *corev1.Node) checks.Result) []checks.Result {
	out := make([]checks.Result, 0, len(snap.Nodes))
	for i := range snap.Nodes {
		n := &snap.Nodes[i]
		r := judge(n)
		r.Resource = checks.Resource{Kind: "Node", Name: n.Name}
		out = append(out, r)
	}
	return group(out)
}
