/*
KP-NODE-061: no node runs a container runtime release that ships a runc with a known escape.

Source: the CVE records and advisories in runtimeEscapes (patch_table.go): CVE-2024-21626
(GHSA-xr7r-f8xq-vfvv, runc before 1.1.12) and CVE-2019-5736 (runc before 1.0.0-rc7), through
the containerd, CRI-O and Docker Engine releases that bundled the affected runc. No CIS 1.12 item
covers it.

Decision: status.nodeInfo.containerRuntimeVersion ("containerd://1.7.12") names the runtime,
not runc, which the runtime executes as a separate binary. The official release artefacts of
the versions in the table shipped the affected runc: FAIL. A distribution may package runc
apart and patch it: the evidence says so, and the remediation asks to check `runc --version`.
A runtime not in the table (crun-based CRI-O builds, other runtimes) or an unparsable version is
NOT_EVALUATED: no row, no verdict. With the Trivy database at hand (audit-imagescan), these
advisories would come from it for the runtime's Go module versions; the node's runtime is not an
image audit-imagescan scans, so the table decides today.

Reads: Node status.nodeInfo.containerRuntimeVersion.
*/

package node

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/version"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:       "KP-NODE-061",
			Title:    "Container runtime does not ship a runc with a known container escape",
			Layer:    checks.Node,
			Severity: checks.Critical,
			Description: "runc escapes (CVE-2024-21626 \"Leaky Vessels\", CVE-2019-5736) let a process in a container " +
				"reach the host's filesystem or replace the host's runc, and so become root on the node. The container " +
				"runtime releases that bundled the affected runc carry them.",
			Remediation: "Upgrade the node's container runtime (containerd 1.6.28 / 1.7.13 or later, CRI-O 1.27.3 / 1.28.3 / " +
				"1.29.1 or later, Docker Engine 24.0.9 / 25.0.2 or later) or the node image that ships it, and check " +
				"`runc --version` on the node (1.1.12 or later).",
		},
		Inputs:   []snapshot.Resource{snapshot.ResNodes},
		Evaluate: runtimeEscape,
	})
}

func runtimeEscape(snap *snapshot.Snapshot) []checks.Result {
	return eachNode(snap, func(n *corev1.Node) checks.Result {
		raw := n.Status.NodeInfo.ContainerRuntimeVersion
		ev := checks.Evidence{Where: fmt.Sprintf("status.nodeInfo.containerRuntimeVersion (node %s)", n.Name), Observed: raw,
			Expected: "a runtime release after the fixes of CVE-2024-21626 and CVE-2019-5736 (table reviewed " + patchTableReviewed + ")"}
		name, ver, ok := strings.Cut(raw, "://")
		if !ok {
			return checks.Result{Status: checks.NotEvaluated, Evidence: ev, Reason: fmt.Sprintf("runtime version %q is not NAME://VERSION", raw)}
		}
		known := false
		for _, c := range runtimeEscapes {
			known = known || c.Component == name
		}
		if !known {
			return checks.Result{Status: checks.NotEvaluated, Evidence: ev, Reason: fmt.Sprintf("runtime %q is not in the reviewed table of runc escapes", name)}
		}
		v, err := version.ParseGeneric(strings.TrimPrefix(ver, "v"))
		if err != nil {
			return checks.Result{Status: checks.NotEvaluated, Evidence: ev, Reason: fmt.Sprintf("runtime version %q: %v", ver, err)}
		}
		hits := affected(runtimeEscapes, name, v)
		if len(hits) == 0 {
			return checks.Result{Status: checks.Pass, Evidence: ev}
		}
		var ids []string
		for _, c := range hits {
			ids = append(ids, c.CVE+" ("+c.Source+")")
		}
		ev.Observed = raw + ": its release shipped a runc affected by " + strings.Join(ids, "; ") +
			" (a distribution's separately patched runc would not be; check runc --version)"
		return checks.Result{Status: checks.Fail, Evidence: ev}
	})
}
