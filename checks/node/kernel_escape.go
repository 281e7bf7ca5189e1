/*
KP-NODE-062: no node runs a kernel in the range of a container-escape CVE.

Source: the CVE records in kernelEscapes (patch_table.go): CVE-2022-0847 ("Dirty Pipe") and
CVE-2022-0185 (legacy_parse_param), with their upstream introduced and fixed stable releases.
No CIS 1.12 item covers it.

Decision: status.nodeInfo.kernelVersion is compared with the upstream stable ranges only when
it is an upstream version. Distribution kernels keep an old upstream version and backport fixes
under their own build number ("5.15.0-91-generic" on Ubuntu, "4.18.0-513.el8" on RHEL): the
upstream range says nothing about them, so they are NOT_EVALUATED, naming the distribution's
advisory as what decides. A kernel is taken as upstream-versioned when its sublevel is not 0 or
it has no "-N" build suffix and no ".el" release tag (Amazon Linux's "5.10.205-195.807.amzn2",
COS's "6.1.58+" and Bottlerocket's follow upstream stable). Other kernel CVEs are not decided
here: with the Trivy database at hand they would come from the node's OS packages, which
audit-imagescan does not scan (it scans images).

Reads: Node status.nodeInfo.kernelVersion.
*/

package node

import (
	"fmt"
	"regexp"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/version"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:       "KP-NODE-062",
			Title:    "Node kernel is outside the ranges of known container-escape CVEs",
			Layer:    checks.Node,
			Severity: checks.High,
			Description: "Containers share the node's kernel: a kernel bug is an escape for every container on the node. " +
				"Dirty Pipe (CVE-2022-0847) and the filesystem-context overflow (CVE-2022-0185) were used to leave containers.",
			Remediation: "Upgrade the node's kernel (or node image) to a release that fixes them (5.16.11, 5.15.25, 5.10.102 " +
				"and later on their lines), or to your distribution's fixed kernel, and reboot the node.",
		},
		Inputs:   []snapshot.Resource{snapshot.ResNodes},
		Evaluate: kernelEscape,
	})
}

// distroKernel matches kernels versioned by a distribution build: "X.Y.0-N..." or ".elN".
var distroKernel = regexp.MustCompile(`^\d+\.\d+\.0-\d+|\.el\d+`)

func kernelEscape(snap *snapshot.Snapshot) []checks.Result {
	return eachNode(snap, func(n *corev1.Node) checks.Result {
		raw := n.Status.NodeInfo.KernelVersion
		ev := checks.Evidence{Where: fmt.Sprintf("status.nodeInfo.kernelVersion (node %s)", n.Name), Observed: raw,
			Expected: "a kernel outside the affected ranges of CVE-2022-0847 and CVE-2022-0185 (table reviewed " + patchTableReviewed + ")"}
		if n.Status.NodeInfo.OperatingSystem == "windows" {
			return checks.Result{Status: checks.NotApplicable, Evidence: ev, Reason: "a Windows node: the Linux kernel CVEs do not apply"}
		}
		if distroKernel.MatchString(raw) {
			return checks.Result{Status: checks.NotEvaluated, Evidence: ev,
				Reason: "a distribution kernel (" + n.Status.NodeInfo.OSImage + "): its fixes are backported under its own build number, so its advisories decide, not the upstream ranges"}
		}
		v, err := version.ParseGeneric(raw)
		if err != nil {
			return checks.Result{Status: checks.NotEvaluated, Evidence: ev, Reason: fmt.Sprintf("kernel version %q: %v", raw, err)}
		}
		hits := affected(kernelEscapes, "linux", v)
		if len(hits) == 0 {
			return checks.Result{Status: checks.Pass, Evidence: ev}
		}
		var ids []string
		for _, c := range hits {
			ids = append(ids, c.CVE)
		}
		ev.Observed = raw + ": in the affected range of " + strings.Join(ids, ", ")
		return checks.Result{Status: checks.Fail, Evidence: ev}
	})
}
