/*
Every kubelet must be within the version skew policy of the API server: not newer, and at
most three minor versions older.

Source: Kubernetes version skew policy (kubernetes.io/releases/version-skew-policy, "kubelet":
"kubelet must not be newer than kube-apiserver, and may be up to three minor versions older",
since v1.28). No CIS 1.12 control covers it.

Reads: Node status.nodeInfo.kubeletVersion and kernelVersion (kernel shown in the evidence),
and the cluster's version (from the API server's /version).

Allowed values: kubelet minor in [apiserver minor - 3, apiserver minor] of the same major.
Outside fails; an unparsable version or an unknown cluster version is NOT_EVALUATED.
*/

package node

import (
	"fmt"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/version"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:       "KP-NODE-016",
			Title:    "Kubelet version is within the skew policy",
			Layer:    checks.Node,
			Severity: checks.Medium,
			Description: "A kubelet newer than the API server, or more than three minor versions older, is " +
				"outside the tested and supported combinations: API behaviour, including security fixes and " +
				"admission of the node's requests, is not guaranteed.",
			Remediation: "Upgrade (or drain and replace) the node so that its kubelet is at most three minor " +
				"versions older than the API server, and upgrade the control plane before the nodes.",
		},
		Inputs:   []snapshot.Resource{snapshot.ResNodes},
		Evaluate: versionSkew,
	})
}

func versionSkew(snap *snapshot.Snapshot) []checks.Result {
	server, serverErr := version.ParseGeneric(snap.Cluster.Version)
	return eachNode(snap, func(n *corev1.Node) checks.Result {
		ev := checks.Evidence{Where: fmt.Sprintf("status.nodeInfo.kubeletVersion (node %s); cluster version %q", n.Name, snap.Cluster.Version)}
		kv := n.Status.NodeInfo.KubeletVersion
		if serverErr != nil {
			return checks.Result{Status: checks.NotEvaluated, Evidence: ev, Reason: "the cluster's version is unknown: " + serverErr.Error()}
		}
		ev.Expected = fmt.Sprintf("v%d.%d down to v%d.%d", server.Major(), server.Minor(), server.Major(), max(int(server.Minor())-3, 0))
		k, err := version.ParseGeneric(kv)
		if err != nil {
			return checks.Result{Status: checks.NotEvaluated, Evidence: ev, Reason: fmt.Sprintf("kubelet version %q: %v", kv, err)}
		}
		ev.Observed = fmt.Sprintf("%s (kernel %s)", kv, n.Status.NodeInfo.KernelVersion)
		skew := int(server.Minor()) - int(k.Minor())
		ok := k.Major() == server.Major() && skew >= 0 && skew <= 3
		if !ok && skew < 0 {
			ev.Observed += " newer than the API server"
		} else if !ok {
			ev.Observed += fmt.Sprintf(" %d minor versions behind", skew)
		}
		return verdict(ok, ev)
	})
}
