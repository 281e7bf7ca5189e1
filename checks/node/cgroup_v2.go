/*
Every node must run the unified cgroup hierarchy (cgroup v2), on a kernel recent enough for it.

Source: Kubernetes documentation "About cgroup v2" (kubernetes.io/docs/concepts/architecture/cgroups:
cgroup v2 needs Linux 5.8 or later; cgroup v1 support is in maintenance mode since v1.31);
k8s.io/kubernetes@v1.37.2 pkg/kubelet/apis/config/v1beta1/defaults.go defaults failCgroupV1
to true, so a default kubelet refuses to start on cgroup v1. cgroup v2 brings a single
hierarchy with safer delegation, memory QoS and pressure stall information. No CIS 1.12
control covers it.

Reads: node reports' os.cgroupVersion (the agent looks for /sys/fs/cgroup/cgroup.controllers)
and os.kernel.

Allowed values: cgroup v2 on a kernel >= 5.8. v2 on an older kernel warns; v1 fails; an
unknown version is NOT_EVALUATED; without node reports the control is NOT_EVALUATED.
*/

package node

import (
	"fmt"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
	"k8s.io/apimachinery/pkg/util/version"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:       "KP-NODE-051",
			Title:    "Node runs cgroup v2 on a supported kernel",
			Layer:    checks.Node,
			Severity: checks.Medium,
			Description: "cgroup v1 is in maintenance mode and a default kubelet refuses it; cgroup v2 gives pods " +
				"a single, safely delegated hierarchy and better resource isolation. It needs Linux 5.8 or later.",
			Remediation: "Boot the node with the unified hierarchy (systemd.unified_cgroup_hierarchy=1, the default " +
				"of current distributions) on a kernel 5.8 or later, or replace the node with one built so.",
		},
		Evaluate: cgroupV2,
	})
}

var minCgroupV2Kernel = version.MustParseGeneric("5.8.0")

func cgroupV2(snap *snapshot.Snapshot) []checks.Result {
	if len(snap.NodeReports) == 0 {
		return []checks.Result{{Status: checks.NotEvaluated, Resource: checks.Resource{Kind: "Cluster"},
			Reason: "no node report merged: the cgroup version is only visible on the node (run 'audit node' there and scan with --node-reports)"}}
	}
	var out []checks.Result
	for i := range snap.NodeReports {
		rep := &snap.NodeReports[i]
		ev := checks.Evidence{Expected: "cgroup v2, kernel 5.8 or later", Where: fmt.Sprintf("os.cgroupVersion, os.kernel (node %s, node agent)", rep.Node)}
		ev.Observed = fmt.Sprintf("cgroup v%d, kernel %s", rep.OS.CgroupVersion, rep.OS.Kernel)
		r := checks.Result{Evidence: ev}
		switch rep.OS.CgroupVersion {
		case 0:
			r.Status, r.Reason = checks.NotEvaluated, "the node agent could not tell the cgroup version"
		case 1:
			r.Status = checks.Fail
		default:
			k, err := version.ParseGeneric(rep.OS.Kernel)
			switch {
			case err != nil:
				r.Status, r.Reason = checks.NotEvaluated, fmt.Sprintf("kernel release %q: %v", rep.OS.Kernel, err)
			case k.LessThan(minCgroupV2Kernel):
				r.Status = checks.Warn
			default:
				r.Status = checks.Pass
			}
		}
		r.Resource = checks.Resource{Kind: "Node", Name: rep.Node}
		out = append(out, r)
	}
	return group(out)
}
