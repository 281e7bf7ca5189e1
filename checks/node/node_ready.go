/*
Every node must be Ready.

Source: kubeposture. A NotReady node is one whose kubelet stopped reporting: its pods are
unmanaged, its configuration cannot be read through the API, and it often is a forgotten,
unpatched machine still on the network. No CIS 1.12 control covers it.

Reads: Node status.conditions[type=Ready].

Allowed values: status True. False or Unknown fails, naming the reason and the last heartbeat;
a node with no Ready condition (never reported) fails too.
*/

package node

import (
	"fmt"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
	corev1 "k8s.io/api/core/v1"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:       "KP-NODE-017",
			Title:    "Node is Ready",
			Layer:    checks.Node,
			Severity: checks.Low,
			Description: "A node whose kubelet does not report Ready is out of the cluster's control: its pods " +
				"are not managed, its configuration cannot be audited, and it may be an unpatched machine left " +
				"running.",
			Remediation: "Find out why the kubelet stopped reporting (journalctl -u kubelet on the node) and fix " +
				"it, or drain and delete the node (kubectl drain NODE; kubectl delete node NODE) and decommission " +
				"the machine.",
		},
		Inputs:   []snapshot.Resource{snapshot.ResNodes},
		Evaluate: nodeReady,
	})
}

func nodeReady(snap *snapshot.Snapshot) []checks.Result {
	return eachNode(snap, func(n *corev1.Node) checks.Result {
		ev := checks.Evidence{Where: fmt.Sprintf("status.conditions[type=Ready] (node %s)", n.Name), Expected: "True"}
		for _, c := range n.Status.Conditions {
			if c.Type != corev1.NodeReady {
				continue
			}
			ev.Observed = string(c.Status)
			if c.Status != corev1.ConditionTrue {
				ev.Observed = fmt.Sprintf("%s (%s)", c.Status, c.Reason)
			}
			return verdict(c.Status == corev1.ConditionTrue, ev)
		}
		ev.Observed = "no Ready condition (the kubelet never reported)"
		return verdict(false, ev)
	})
}
