package node

import (
	"testing"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func nodeObj(name, kubelet string, ready corev1.ConditionStatus) corev1.Node {
	n := corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name}}
	n.Status.NodeInfo.KubeletVersion = kubelet
	n.Status.NodeInfo.KernelVersion = "6.8.0"
	if ready != "" {
		n.Status.Conditions = []corev1.NodeCondition{{Type: corev1.NodeReady, Status: ready, Reason: "KubeletNotReady"}}
	}
	return n
}

func nodesSnap(cluster string, nodes ...corev1.Node) *snapshot.Snapshot {
	s := snapshot.New()
	s.Cluster.Version = cluster
	s.Nodes = nodes
	s.Resources[snapshot.ResNodes] = snapshot.Collection{State: snapshot.Collected, Count: len(nodes)}
	return s
}

func TestNodeObjectControls(t *testing.T) {
	for _, tc := range []struct {
		name    string
		eval    func(*snapshot.Snapshot) []checks.Result
		cluster string
		node    corev1.Node
		want    checks.Status
	}{
		{"skew same", versionSkew, "v1.37.2", nodeObj("n", "v1.37.1", ""), checks.Pass},
		{"skew 3 behind", versionSkew, "v1.37.2", nodeObj("n", "v1.34.9", ""), checks.Pass},
		{"skew 4 behind", versionSkew, "v1.37.2", nodeObj("n", "v1.33.0", ""), checks.Fail},
		{"skew newer", versionSkew, "v1.36.4", nodeObj("n", "v1.37.0", ""), checks.Fail},
		{"skew unknown cluster", versionSkew, "", nodeObj("n", "v1.37.0", ""), checks.NotEvaluated},
		{"skew no kubelet version", versionSkew, "v1.37.0", nodeObj("n", "", ""), checks.NotEvaluated},
		{"ready", nodeReady, "", nodeObj("n", "", corev1.ConditionTrue), checks.Pass},
		{"not ready", nodeReady, "", nodeObj("n", "", corev1.ConditionFalse), checks.Fail},
		{"unknown", nodeReady, "", nodeObj("n", "", corev1.ConditionUnknown), checks.Fail},
		{"never reported", nodeReady, "", nodeObj("n", "", ""), checks.Fail},
		{"eol supported", kubeletEOL, "v1.37.0", nodeObj("n", "v1.35.3", ""), checks.Pass},
		{"eol", kubeletEOL, "v1.37.0", nodeObj("n", "v1.34.3", ""), checks.Fail},
		// A newer cluster moves the window.
		{"eol newer cluster", kubeletEOL, "v1.39.0", nodeObj("n", "v1.36.0", ""), checks.Fail},
		{"eol unparsable", kubeletEOL, "v1.37.0", nodeObj("n", "x", ""), checks.NotEvaluated},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs := tc.eval(nodesSnap(tc.cluster, tc.node))
			if len(rs) != 1 || rs[0].Status != tc.want || rs[0].Resource != (checks.Resource{Kind: "Node", Name: "n"}) {
				t.Fatalf("got %+v, want %s", rs, tc.want)
			}
		})
	}
}
