package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/kubeposture/kubeposture/checks"
)

// TestScanFilename scans the shipped deployment (deploy/base) with `audit scan -f`: the
// scanner's own CronJob passes every workload control, the Kustomization file is reported
// as not judged, and the controls that need cluster state are not evaluated.
func TestScanFilename(t *testing.T) {
	// --fail-on high: read as files, not rendered, the CronJob names its image without the
	// tag and digest kustomize sets from deploy/image (KP-WL-020 FAIL, medium). The
	// directory holds the namespace's NetworkPolicies, which KP-NET-001 judges.
	out, errOut, code := runCLI(t, "scan", "-f", "../../deploy/base", "--output", "json", "--fail-on", "high")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(errOut, "not judged") || !strings.Contains(errOut, "kustomization.yaml") {
		t.Errorf("stderr does not name the Kustomization as not judged: %q", errOut)
	}
	var rep checks.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("report: %v", err)
	}
	statuses := map[string]checks.Status{}
	for _, c := range rep.Controls {
		statuses[c.ID] = c.Status
	}
	for id, want := range map[string]checks.Status{
		"KP-WL-001": checks.Pass, "KP-WL-002": checks.Pass, "KP-WL-003": checks.Pass, "KP-WL-020": checks.Fail,
		"KP-NET-001": checks.Pass, "KP-RBAC-016": checks.NotEvaluated, "KP-CP-001": checks.NotEvaluated,
	} {
		if statuses[id] != want {
			t.Errorf("%s = %s, want %s", id, statuses[id], want)
		}
	}
	if _, errOut, code := runCLI(t, "scan", "-f", "../../deploy/base", "--snapshot", "x.json"); code != 2 || !strings.Contains(errOut, "give one") {
		t.Errorf("-f with --snapshot: exit %d, %q; want exit 2 and an error", code, errOut)
	}
	if _, errOut, code := runCLI(t, "scan", "-f", "does-not-exist"); code != 2 || !strings.Contains(errOut, "does-not-exist") {
		t.Errorf("-f on a missing path: exit %d, %q; want exit 2 naming it", code, errOut)
	}
}
