package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kubeposture/kubeposture/report/sariftest"
	"github.com/kubeposture/kubeposture/snapshot/snapfile"
)

// sarifResults reads the results' first locations of a SARIF log.
func sarifResults(t *testing.T, doc []byte) (uris []string, lines []int) {
	t.Helper()
	var log struct {
		Runs []struct {
			Results []struct {
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
						Region struct {
							StartLine int `json:"startLine"`
						} `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(doc, &log); err != nil || len(log.Runs) != 1 {
		t.Fatalf("SARIF: %v", err)
	}
	for _, r := range log.Runs[0].Results {
		uris = append(uris, r.Locations[0].PhysicalLocation.ArtifactLocation.URI)
		lines = append(lines, r.Locations[0].PhysicalLocation.Region.StartLine)
	}
	return uris, lines
}

// checkSARIF validates a SARIF log the CLI wrote against the schema and GitHub's ingestion
// rules.
func checkSARIF(t *testing.T, doc []byte) {
	t.Helper()
	validateSARIF(t, doc)
	if err := sariftest.CheckGitHub(doc); err != nil {
		t.Fatalf("GitHub's ingestion rules: %v", err)
	}
}

// TestSARIFLiveScan: the SARIF of a live scan of a real API server passes the schema and
// GitHub's rules; with --sarif-artifacts each finding's object is written where its result
// points, secrets as metadata only; a second scan gives the same locations, so that its alerts
// are the first scan's.
func TestSARIFLiveScan(t *testing.T) {
	dir, kubeconfig := startEstate(t)
	base := filepath.Join(dir, "repo")
	if err := os.Mkdir(base, 0o755); err != nil {
		t.Fatal(err)
	}
	var first []string
	for i := range 2 {
		out := filepath.Join(dir, "live.sarif")
		_, errOut, code := runCLI(t, "scan", "--kubeconfig", kubeconfig, "--output", "sarif", "--output-file", out,
			"--fail-on", "none", "--sarif-base", base, "--sarif-artifacts", filepath.Join(base, "posture"))
		if code != 0 {
			t.Fatalf("live scan: exit %d: %s", code, errOut)
		}
		doc, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		checkSARIF(t, doc)
		uris, lines := sarifResults(t, doc)
		if len(uris) == 0 {
			t.Fatal("the live scan has no result")
		}
		files := 0
		for j, uri := range uris {
			if !strings.HasPrefix(uri, "posture/kubernetes/") {
				t.Errorf("result %d: uri %q not below the artifacts directory", j, uri)
				continue
			}
			data, err := os.ReadFile(filepath.Join(base, filepath.FromSlash(uri)))
			if err != nil {
				continue // a node group is no stored object
			}
			files++
			if n := strings.Count(string(data), "\n"); lines[j] > n {
				t.Errorf("%s: line %d of a %d-line file", uri, lines[j], n)
			}
		}
		if files == 0 {
			t.Error("no artifact written for the live scan's results")
		}
		if i == 0 {
			first = uris
		} else if strings.Join(first, "\n") != strings.Join(uris, "\n") {
			t.Errorf("the second scan's results point elsewhere than the first's")
		}
	}
	// Secrets are written as the snapshot holds them: metadata and type, never data.
	err := filepath.WalkDir(filepath.Join(base, "posture"), func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Base(filepath.Dir(path)) != "Secret" {
			return err
		}
		data, err := os.ReadFile(path)
		for _, l := range strings.Split(string(data), "\n") {
			if l == "data:" || l == "stringData:" {
				t.Errorf("%s holds a secret's data", path)
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestSARIFSnapshotScan: the SARIF of a scan of the demo snapshot passes the schema and GitHub's
// rules, its results at the cluster's URIs.
func TestSARIFSnapshotScan(t *testing.T) {
	out, errOut, code := runCLI(t, "scan", "--snapshot", demo, "--output", "sarif", "--fail-on", "none")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	checkSARIF(t, []byte(out))
	uris, _ := sarifResults(t, []byte(out))
	snap, err := snapfile.ReadFile(demo)
	if err != nil {
		t.Fatal(err)
	}
	for _, uri := range uris {
		if !strings.HasPrefix(uri, "kubernetes/"+snap.Cluster.UID+"/") || strings.ContainsAny(uri, " %") {
			t.Errorf("uri %q is not the demo cluster's", uri)
		}
	}
}

// TestSARIFManifestScan: a scan of a multi-document manifest file points each result at the
// file, relative to --sarif-base, and at its line.
func TestSARIFManifestScan(t *testing.T) {
	base := t.TempDir()
	if err := os.MkdirAll(filepath.Join(base, "k8s"), 0o755); err != nil {
		t.Fatal(err)
	}
	const doc = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: admin\n  namespace: tools\nspec:\n  containers:\n  - name: admin\n    image: admin:1.0\n    securityContext:\n      privileged: true\n"
	file := filepath.Join(base, "k8s", "app.yaml")
	if err := os.WriteFile(file, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runCLI(t, "scan", "-f", file, "--output", "sarif", "--fail-on", "none", "--control", "KP-WL-008", "--sarif-base", base)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	checkSARIF(t, []byte(out))
	uris, lines := sarifResults(t, []byte(out))
	if len(uris) != 1 || uris[0] != "k8s/app.yaml" || lines[0] != 16 {
		t.Errorf("results at %v lines %v, want k8s/app.yaml line 16 (privileged: true)", uris, lines)
	}
}

// TestSARIFFlagErrors: the SARIF flags name themselves when misused.
func TestSARIFFlagErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--output", "json", "--sarif-base", "."}, "--sarif-base"},
		{[]string{"--sarif-artifacts", t.TempDir()}, "--sarif-artifacts"},
		{[]string{"--output", "sarif", "--sarif-base", filepath.Join(t.TempDir(), "missing")}, "--sarif-base"},
	} {
		_, errOut, code := runCLI(t, append([]string{"scan", "--snapshot", demo}, tc.args...)...)
		if code != 2 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 naming %s", tc.args, code, errOut, tc.want)
		}
	}
}
