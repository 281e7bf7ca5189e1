package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/internal/estate"
	"github.com/kubeposture/kubeposture/internal/testcluster"
	"github.com/kubeposture/kubeposture/snapshot"
)

const demo = "../../examples/snapshots/demo.json"

// runCLI runs the command line as main does and captures its output and exit code.
func runCLI(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	oldOut, oldErr := os.Stdout, os.Stderr
	rOut, wOut, _ := os.Pipe()
	rErr, wErr, _ := os.Pipe()
	os.Stdout, os.Stderr = wOut, wErr
	outC, errC := make(chan string), make(chan string)
	go func() { b, _ := io.ReadAll(rOut); outC <- string(b) }()
	go func() { b, _ := io.ReadAll(rErr); errC <- string(b) }()
	code = run(args)
	wOut.Close()
	wErr.Close()
	os.Stdout, os.Stderr = oldOut, oldErr
	return <-outC, <-errC, code
}

func TestScanDemoSnapshot(t *testing.T) {
	out, errOut, code := runCLI(t, "scan", "--snapshot", demo)
	if code != 1 {
		t.Fatalf("exit code %d, want 1 (the demo has failures); stderr: %s", code, errOut)
	}
	for _, want := range []string{"KP-CP-001", "KP-WL-001", "KP-NET-007", "layer node", "Not listed:"} {
		if !strings.Contains(out, want) {
			t.Errorf("table output lacks %q", want)
		}
	}
	if !strings.Contains(errOut, "failing result(s) at or above severity info") {
		t.Errorf("stderr %q does not say why the exit code is 1", errOut)
	}
}

func TestScanExitCodes(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
	}{
		{[]string{"--fail-on", "none"}, 0},
		{[]string{"--fail-on", "critical"}, 1},                                         // the weak and legacy kubelets: anonymous, AlwaysAllow (KP-NODE-001, 002)
		{[]string{"--fail-on", "high"}, 1},                                             // KP-CP-001 and KP-WL-001 fail
		{[]string{"--layer", "node"}, 1},                                               // the node layer is judged from the kubelets' configz
		{[]string{"--layer", "node", "--control", "4.2.7"}, 1},                         // NOT_EVALUATED (a flag configz does not show): nothing evaluated is not a pass (--min-evaluated)
		{[]string{"--layer", "node", "--control", "4.2.7", "--min-evaluated", "0"}, 0}, // the gate off: NOT_EVALUATED does not fail the run
		{[]string{"--control", "1.2.6"}, 0},
		{[]string{"--control", "KP-CP-005"}, 1},
		{[]string{"--framework", "pss-baseline", "-n", "shop"}, 0},
		{[]string{"--framework", "pss-baseline", "-n", "legacy"}, 1},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			_, errOut, code := runCLI(t, append([]string{"scan", "--snapshot", demo}, tc.args...)...)
			if code != tc.code {
				t.Errorf("exit code %d, want %d; stderr: %s", code, tc.code, errOut)
			}
		})
	}
}

func TestScanJSONOutputFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "report.json")
	out, _, code := runCLI(t, "scan", "--snapshot", demo, "--output", "json", "--output-file", path, "--framework", "cis-1.12")
	if code != 1 || out != "" {
		t.Fatalf("exit %d, stdout %q: want 1 and the report in the file only", code, out)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var rep checks.Report
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatalf("report is not JSON: %v", err)
	}
	if rep.SchemaVersion != checks.ReportSchemaVersion || len(rep.Controls) == 0 {
		t.Fatalf("report: schema %q, %d controls", rep.SchemaVersion, len(rep.Controls))
	}
	for _, c := range rep.Controls {
		if len(c.References.CIS) == 0 {
			t.Errorf("--framework cis-1.12 selected %s, which has no CIS reference", c.ID)
		}
	}
}

// TestBadInput: each mistake gets exit code 2 and one line that names the problem.
func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	truncated := write("truncated.json", `{"apiVersion":"kubeposture.io/v1alpha1","kind":"Snapshot","resources":{`)
	wrongKind := write("pod.json", `{"apiVersion":"v1","kind":"Pod"}`)
	badField := write("badfield.json", `{"apiVersion":"kubeposture.io/v1alpha1","kind":"Snapshot","resources":{},"pods":{}}`)
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"scan", "--snapshot", filepath.Join(dir, "missing.json")}, []string{"missing.json", "no such file"}},
		{[]string{"scan", "--snapshot", truncated}, []string{"truncated.json", "truncated"}},
		{[]string{"scan", "--snapshot", wrongKind}, []string{"pod.json", "apiVersion"}},
		{[]string{"scan", "--snapshot", badField}, []string{"badfield.json", "pods"}},
		{[]string{"scan", "--snapshot", demo, "--framework", "pci"}, []string{"--framework", `"pci"`, "cis-1.12"}},
		{[]string{"scan", "--snapshot", demo, "--layer", "kernel"}, []string{"--layer", `"kernel"`}},
		{[]string{"scan", "--snapshot", demo, "--control", "KP-XX-999"}, []string{"--control", "KP-XX-999"}},
		{[]string{"scan", "--snapshot", demo, "--format", "pdf"}, []string{"--format", "pdf"}},
		{[]string{"scan", "--snapshot", demo, "--fail-on", "severe"}, []string{"--fail-on", "severe"}},
		{[]string{"scan", "--snapshot", demo, "--qps", "0"}, []string{"--qps", "0"}}, // validated in every mode
		{[]string{"scan", "--bogus"}, []string{"--bogus"}},
		{[]string{"collect"}, []string{"--output"}},
		{[]string{"controls", "-f", "yaml"}, []string{"--format", "yaml"}},
		{[]string{"diff", "-o", "html", demo, demo}, []string{"--output", "html", "markdown"}}, // the old spelling, before reading the files
		{[]string{"diff", "-f", "html", demo, demo}, []string{"--format", "html", "markdown"}},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			_, errOut, code := runCLI(t, tc.args...)
			if tc.want == nil {
				if code == 2 {
					t.Errorf("exit code 2: %s", errOut)
				}
				return
			}
			if code != 2 {
				t.Errorf("exit code %d, want 2", code)
			}
			if lines := strings.Count(strings.TrimRight(errOut, "\n"), "\n"); lines != 0 {
				t.Errorf("error takes %d lines, want one: %q", lines+1, errOut)
			}
			for _, w := range tc.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("error %q does not mention %q", errOut, w)
				}
			}
		})
	}
}

// TestControlsMarkdownIsCurrent: docs/controls.md is generated from the code; it must match.
func TestControlsMarkdownIsCurrent(t *testing.T) {
	out, errOut, code := runCLI(t, "controls", "--output", "markdown")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	doc, err := os.ReadFile("../../docs/controls.md")
	if err != nil {
		t.Fatal(err)
	}
	if string(doc) != out {
		t.Fatal("docs/controls.md is stale: regenerate it with 'go run ./cmd/audit controls -f markdown > docs/controls.md'")
	}
}

func TestVersion(t *testing.T) {
	out, _, code := runCLI(t, "version")
	if code != 0 || !strings.Contains(out, snapshot.APIVersion) {
		t.Fatalf("exit %d, output %q", code, out)
	}
}

// TestLiveThroughKubeconfig runs the binary's own code path against a real API server,
// connected the way a user connects: a kubeconfig file and a context name.
func TestLiveThroughKubeconfig(t *testing.T) {
	dir, kubeconfig := startEstate(t)

	_, errOut, code := runCLI(t, "scan", "--kubeconfig", kubeconfig, "--context", "no-such-context")
	if code != 2 || !strings.Contains(errOut, "no-such-context") {
		t.Errorf("unknown context: exit %d, stderr %q; want 2 and the context named", code, errOut)
	}

	// The snapshot is written 0600, and a link planted where it goes is replaced, not
	// written through.
	snapPath, victim := filepath.Join(dir, "snap.json"), filepath.Join(dir, "victim")
	if err := os.WriteFile(victim, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(victim, snapPath); err != nil {
		t.Fatal(err)
	}
	if _, errOut, code := runCLI(t, "collect", "--kubeconfig", kubeconfig, "--context", "kubeposture-test", "-o", snapPath); code != 0 {
		t.Fatalf("collect: exit %d: %s", code, errOut)
	}
	if st, err := os.Lstat(snapPath); err != nil || st.Mode() != 0o600 {
		t.Errorf("snapshot file: %v, %v; want a regular file, mode 0600", st.Mode(), err)
	}
	if b, _ := os.ReadFile(victim); string(b) != "precious" {
		t.Errorf("collect wrote through a link planted at its output: %q", b)
	}
	offline, _, code := runCLI(t, "scan", "--snapshot", snapPath, "--output", "json", "--fail-on", "none")
	if code != 0 {
		t.Fatalf("offline scan: exit %d", code)
	}
	live, errOut, code := runCLI(t, "scan", "--kubeconfig", kubeconfig, "--output", "json", "--fail-on", "none")
	if code != 0 {
		t.Fatalf("live scan: exit %d: %s", code, errOut)
	}
	// The same cluster, scanned live and from its snapshot, gives the same verdicts.
	if a, b := verdictList(t, offline), verdictList(t, live); a != b {
		t.Errorf("live and offline verdicts differ:\nlive:\n%s\noffline:\n%s", b, a)
	}
	if !strings.Contains(live, `"KP-CP-001"`) {
		t.Error("live report lacks KP-CP-001")
	}
}

// startEstate starts a real API server seeded with the demo estate for one test, and returns a
// temporary directory and an admin kubeconfig in it. KUBECONFIG is cleared, so that nothing
// of the developer's environment leaks into the test.
func startEstate(t *testing.T) (dir, kubeconfig string) {
	t.Helper()
	ctx := context.Background()
	c, err := testcluster.Start(ctx, testcluster.Options{Log: os.Stderr})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Stop)
	cs, err := c.Client()
	if err != nil {
		t.Fatal(err)
	}
	if err := estate.Seed(ctx, cs, estate.DemoAPIServerArgs); err != nil {
		t.Fatal(err)
	}
	dir = t.TempDir()
	kubeconfig = filepath.Join(dir, "kubeconfig")
	if err := c.WriteKubeconfig(kubeconfig); err != nil {
		t.Fatal(err)
	}
	t.Setenv("KUBECONFIG", "")
	return dir, kubeconfig
}

func verdictList(t *testing.T, reportJSON string) string {
	t.Helper()
	var rep checks.Report
	if err := json.Unmarshal([]byte(reportJSON), &rep); err != nil {
		t.Fatalf("report JSON: %v", err)
	}
	var b bytes.Buffer
	for _, c := range rep.Controls {
		for _, r := range c.Results {
			b.WriteString(c.ID + " " + r.Resource.String() + " " + string(r.Status) + "\n")
		}
	}
	return b.String()
}
