package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kubeposture/kubeposture/checks"
)

// TestScanFilename scans the shipped deployment (deploy/base) given as an argument: the
// scanner's own CronJob passes every workload control, the Kustomization file is reported
// as not judged, and the controls that need cluster state are not run.
func TestScanFilename(t *testing.T) {
	// --fail-on high: read as files, not rendered, the CronJob names its image without the
	// tag and digest kustomize sets from deploy/image (KP-WL-020 FAIL, medium). The
	// directory holds the namespace's NetworkPolicies, which KP-NET-001 judges.
	out, errOut, code := runCLI(t, "scan", "../../deploy/base", "-f", "json", "--fail-on", "high")
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
		"KP-NET-001": checks.Pass, "KP-RBAC-016": "", "KP-CP-001": "",
	} {
		if statuses[id] != want {
			t.Errorf("%s = %s, want %s", id, statuses[id], want)
		}
	}
	if _, errOut, code := runCLI(t, "scan", "-f", "../../deploy/base", "--snapshot", "x.json"); code != 2 || !strings.Contains(errOut, "give one") {
		t.Errorf("-f with --snapshot: exit %d, %q; want exit 2 and an error", code, errOut)
	}
	// --filename stays, for kubectl habits; -f DIR, the spelling of the release before, too.
	if _, errOut, code := runCLI(t, "scan", "--filename", "../../deploy/base", "--fail-on", "high"); code != 0 {
		t.Errorf("--filename: exit %d, %q", code, errOut)
	}
	if _, errOut, code := runCLI(t, "scan", "-f", "../../deploy/base", "--fail-on", "high"); code != 0 || !strings.Contains(errOut, "deprecated") {
		t.Errorf("-f DIR: exit %d, %q; want 0 and a deprecation warning", code, errOut)
	}
	if _, errOut, code := runCLI(t, "scan", "does-not-exist"); code != 2 || !strings.Contains(errOut, "does-not-exist") {
		t.Errorf("-f on a missing path: exit %d, %q; want exit 2 naming it", code, errOut)
	}
}

// TestScanManifestArguments: manifests as arguments; a file that is no Kubernetes object is
// skipped with one warning; only the controls manifests can decide are run, the others
// counted in one note.
func TestScanManifestArguments(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"kustomization.yaml": "resources:\n- pod.yaml\n",
		"values.yaml":        "replicaCount: 2\n",
		"pod.yaml":           "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: app}\nspec:\n  containers:\n  - name: c\n    image: nginx\n    securityContext: {privileged: true}\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	out, errOut, code := runCLI(t, "scan", dir, "--status", "all", "--max-controls", "-1")
	if code != 1 {
		t.Errorf("exit %d, want 1 (a privileged container): %s", code, errOut)
	}
	for _, w := range []string{"kustomization.yaml: not a Kubernetes object (no apiVersion and kind): skipped", "values.yaml: not a Kubernetes object", "controls judge cluster state that manifests do not hold"} {
		if !strings.Contains(errOut, w) {
			t.Errorf("stderr lacks %q: %s", w, errOut)
		}
	}
	if !strings.Contains(out, "KP-WL-008") || strings.Contains(out, "KP-CP-001") || strings.Contains(out, "KP-NODE-001") {
		t.Errorf("the listing is not the controls manifests decide:\n%s", out)
	}
	// A control named is run even if manifests cannot decide it.
	if out, _, _ := runCLI(t, "scan", dir, "--control", "KP-CP-001", "--status", "all", "--min-evaluated", "0"); !strings.Contains(out, "KP-CP-001") {
		t.Errorf("--control KP-CP-001 on manifests not run:\n%s", out)
	}
}

// TestScanManifestsStdin: "-" reads manifests from standard input, as kubectl -f -.
func TestScanManifestsStdin(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		w.WriteString("apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: app}\nspec:\n  containers:\n  - name: c\n    image: nginx\n    securityContext: {privileged: true}\n")
		w.Close()
	}()
	old := os.Stdin
	os.Stdin = r
	defer func() { os.Stdin = old }()
	out, errOut, code := runCLI(t, "scan", "-", "--status", "fail", "--max-controls", "-1")
	if code != 1 || !strings.Contains(out, "KP-WL-008") || !strings.Contains(out, "Pod/app/p") {
		t.Errorf("scan -: exit %d, %q\n%s", code, errOut, out)
	}
}
