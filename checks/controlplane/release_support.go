/*
KP-CP-061: the cluster runs a Kubernetes minor release that still gets patches.

Source: kubernetes.io/releases and kubernetes.io/releases/patch-releases ("End of Life" of each
minor release), in releaseEndOfLife, reviewed 2026-12-07. No CIS 1.12 item covers it
(KP-NODE-018 judges each kubelet against the three newest minors, without dates).

Decision: the API server's version (snapshot.Cluster.Version, from /version) is compared with
its minor's end-of-life date at the snapshot's collection time. Past it: FAIL; on EKS, GKE and
AKS, which sell extended support for older minors, WARN, naming the upstream date. A minor
newer than the table's newest row has no end of life reached on the review date: PASS. The
release's own CVEs (patch-level advisories) are not decided here: they would come from the
Trivy database's Kubernetes advisories, which audit-imagescan does not read for the control
plane (it scans images).

Reads: the cluster's version; the snapshot's collectedAt.
*/

package controlplane

import (
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/util/version"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

// releaseEndOfLife maps Kubernetes 1.x minors to their upstream end of life (kubernetes.io/
// releases/patch-releases, reviewed 2026-12-07). Minors older than the first row are past it.
var releaseEndOfLife = []struct {
	Minor int
	EOL   string
}{
	{25, "2023-10-28"}, {26, "2024-02-28"}, {27, "2024-06-28"}, {28, "2024-10-28"}, {29, "2025-02-28"},
	{30, "2025-06-28"}, {31, "2025-10-28"}, {32, "2026-02-28"}, {33, "2026-06-28"}, {34, "2026-10-27"},
}

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:       "KP-CP-061",
			Title:    "The cluster's Kubernetes release still gets patches",
			Layer:    checks.ControlPlane,
			Severity: checks.High,
			Description: "A Kubernetes minor release gets security patches for about fourteen months. Past its end of " +
				"life, every vulnerability found in the API server and the other components stays.",
			Remediation: "Upgrade the control plane, then the nodes, one minor release at a time to a supported release " +
				"(kubernetes.io/releases), or enrol the cluster in the provider's extended support.",
		},
		Evaluate: releaseSupport,
	})
}

func releaseSupport(snap *snapshot.Snapshot) []checks.Result {
	cluster := checks.Resource{Kind: "Cluster"}
	ev := checks.Evidence{Where: "the API server's /version", Observed: snap.Cluster.Version,
		Expected: "a minor release before its end of life (kubernetes.io/releases; table reviewed 2026-12-07)"}
	v, err := version.ParseGeneric(snap.Cluster.Version)
	if err != nil || v.Major() != 1 {
		return []checks.Result{{Status: checks.NotEvaluated, Resource: cluster, Evidence: ev,
			Reason: fmt.Sprintf("cluster version %q is not a Kubernetes 1.x version", snap.Cluster.Version)}}
	}
	at := snap.CollectedAt
	if at.IsZero() {
		at = time.Now()
	}
	minor := int(v.Minor())
	eol := ""
	switch first, last := releaseEndOfLife[0], releaseEndOfLife[len(releaseEndOfLife)-1]; {
	case minor < first.Minor:
		eol = "before " + first.EOL
	case minor > last.Minor:
		ev.Observed += " (newer than the table: no end of life reached on its review date)"
		return []checks.Result{{Status: checks.Pass, Resource: cluster, Evidence: ev}}
	default:
		e := releaseEndOfLife[minor-first.Minor].EOL
		end, _ := time.Parse(time.DateOnly, e)
		if at.Before(end.AddDate(0, 0, 1)) {
			ev.Observed += fmt.Sprintf(" (1.%d is supported until %s)", minor, e)
			return []checks.Result{{Status: checks.Pass, Resource: cluster, Evidence: ev}}
		}
		eol = e
	}
	ev.Observed += fmt.Sprintf(" (1.%d reached its end of life %s)", minor, eol)
	if snap.Cluster.Provider.Managed() {
		ev.Observed += "; the provider's extended support may still patch it"
		return []checks.Result{{Status: checks.Warn, Resource: cluster, Evidence: ev}}
	}
	return []checks.Result{{Status: checks.Fail, Resource: cluster, Evidence: ev}}
}
