/*
No node may run an end-of-life kubelet: one whose minor release no longer gets patches.

Source: kubernetes.io/releases ("The Kubernetes project maintains release branches for the most
recent three minor releases"). The newest minor is the later of the cluster's and v1.37 (the
release this build of kubeposture is built against, k8s.io/kubernetes@v1.37.2), so that the rule
needs no table of dates that would itself go stale. No CIS 1.12 control covers it.

Reads: Node status.nodeInfo.kubeletVersion; the cluster's version.

Allowed values: kubelet minor >= newest minor - 2. Older fails; an unparsable version is
NOT_EVALUATED.
*/

package node

import (
	"fmt"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/version"
)

// builtAgainstMinor is the Kubernetes minor release of the libraries this build uses.
const builtAgainstMinor = 37

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:       "KP-NODE-018",
			Title:    "Kubelet release is supported (not end of life)",
			Layer:    checks.Node,
			Severity: checks.High,
			Description: "Only the three most recent Kubernetes minor releases get security patches. A kubelet " +
				"of an older release keeps every vulnerability found since its end of life.",
			Remediation: "Upgrade the node to a supported Kubernetes release (after the control plane), or replace " +
				"it with a node of a supported release.",
		},
		Inputs:   []snapshot.Resource{snapshot.ResNodes},
		Evaluate: kubeletEOL,
	})
}

func kubeletEOL(snap *snapshot.Snapshot) []checks.Result {
	newest := builtAgainstMinor
	if v, err := version.ParseGeneric(snap.Cluster.Version); err == nil && v.Major() == 1 && int(v.Minor()) > newest {
		newest = int(v.Minor())
	}
	return eachNode(snap, func(n *corev1.Node) checks.Result {
		ev := checks.Evidence{Where: fmt.Sprintf("status.nodeInfo.kubeletVersion (node %s)", n.Name),
			Expected: fmt.Sprintf("v1.%d or newer (the three supported minors up to v1.%d)", newest-2, newest)}
		kv := n.Status.NodeInfo.KubeletVersion
		k, err := version.ParseGeneric(kv)
		if err != nil {
			return checks.Result{Status: checks.NotEvaluated, Evidence: ev, Reason: fmt.Sprintf("kubelet version %q: %v", kv, err)}
		}
		ev.Observed = kv
		ok := k.Major() > 1 || (k.Major() == 1 && int(k.Minor()) >= newest-2)
		if !ok {
			ev.Observed += " (end of life)"
		}
		return verdict(ok, ev)
	})
}
