/*
KP-NODE-063: no node runs an operating system release past its end of security support.

Source: each vendor's lifecycle page, in osReleases (patch_table.go), reviewed 2026-12-07. No
CIS 1.12 item covers it.

Decision: status.nodeInfo.osImage names the release ("Ubuntu 20.04.6 LTS"). Its end of standard
security support is compared with the snapshot's collection date (the evidence is about then,
and re-rendering an old snapshot gives the same verdict). Paid extensions (Ubuntu Pro, RHEL ELS,
Debian ELTS) are not counted; the evidence names the date. A release the table does not hold,
rolling node images (Container-Optimized OS, Bottlerocket, Flatcar, Talos) among them, is
NOT_EVALUATED: their support follows the image version, not a name the table can hold.

Reads: Node status.nodeInfo.osImage; the snapshot's collectedAt.
*/

package node

import (
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:       "KP-NODE-063",
			Title:    "Node operating system still receives security updates",
			Layer:    checks.Node,
			Severity: checks.High,
			Description: "An operating system release past its end of support gets no fixes: every vulnerability found since " +
				"in its kernel, container runtime and libraries stays on the node.",
			Remediation: "Move the node pool to a supported release of its OS (or node image) and drain the old nodes.",
		},
		Inputs:   []snapshot.Resource{snapshot.ResNodes},
		Evaluate: osEndOfLife,
	})
}

func osEndOfLife(snap *snapshot.Snapshot) []checks.Result {
	at := snap.CollectedAt
	if at.IsZero() {
		at = time.Now()
	}
	return eachNode(snap, func(n *corev1.Node) checks.Result {
		img := n.Status.NodeInfo.OSImage
		ev := checks.Evidence{Where: fmt.Sprintf("status.nodeInfo.osImage (node %s)", n.Name), Observed: img,
			Expected: "a release within its vendor's standard security support (table reviewed " + patchTableReviewed + ")"}
		rel, ok := lookupOS(img)
		if !ok {
			return checks.Result{Status: checks.NotEvaluated, Evidence: ev, Reason: fmt.Sprintf("OS image %q is not in the reviewed table of OS releases", img)}
		}
		end := mustDate(rel.EndOfSupport)
		if at.Before(end.AddDate(0, 0, 1)) {
			ev.Observed = img + " (supported until " + rel.EndOfSupport + ", " + rel.Source + ")"
			return checks.Result{Status: checks.Pass, Evidence: ev}
		}
		ev.Observed = img + " (end of standard support " + rel.EndOfSupport + ", " + rel.Source + ")"
		return checks.Result{Status: checks.Fail, Evidence: ev}
	})
}
