package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/nodeagent"
)

// nodeTree is a node whose kubelet runs flag-only with --hostname-override.
func nodeTree(t *testing.T, host string) string {
	t.Helper()
	root := t.TempDir()
	for p, data := range map[string]string{
		"etc/hostname":   host + "\n",
		"proc/7/cmdline": "/usr/bin/kubelet\x00--hostname-override=elsewhere\x00--kubeconfig=/etc/kubernetes/kubelet.conf\x00",
	} {
		if err := os.MkdirAll(filepath.Join(root, filepath.Dir(p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, p), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func resultOf(t *testing.T, out, id, resource string) checks.Status {
	t.Helper()
	var rep checks.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("report: %v", err)
	}
	for _, c := range rep.Controls {
		for _, r := range c.Results {
			if c.ID == id && r.Resource.String() == resource {
				return r.Status
			}
		}
	}
	return ""
}

// audit node writes a report; audit scan --node-reports merges it (from a directory, and
// from standard input) and the node controls judge it.
func TestNodeReportIntoScan(t *testing.T) {
	dir := t.TempDir()
	report := filepath.Join(dir, "cp-1.json")
	if _, errOut, code := runCLI(t, "node", "--root", nodeTree(t, "cp-1"), "--output-file", report); code != 0 {
		t.Fatalf("audit node: exit %d: %s", code, errOut)
	}
	// The demo's node cp-1 has no configz (no kubelet ran): the agent's report fills in.
	out, errOut, code := runCLI(t, "scan", "--snapshot", demo, "--node-reports", dir, "--control", "4.2.7,4.2.1", "--output", "json")
	if code != 1 {
		t.Fatalf("exit %d, want 1: %s", code, errOut)
	}
	if s := resultOf(t, out, "KP-NODE-007", "Node/cp-1"); s != checks.Fail {
		t.Errorf("KP-NODE-007 Node/cp-1 = %q, want FAIL (--hostname-override)", s)
	}
	if s := resultOf(t, out, "KP-NODE-001", "Node/cp-1"); s != checks.Fail {
		t.Errorf("KP-NODE-001 Node/cp-1 = %q, want FAIL (flag-only kubelet: anonymous auth on by default)", s)
	}

	if strings.Contains(errOut, "no node named") {
		t.Errorf("cp-1 is a node of the demo cluster, yet: %s", errOut)
	}
	other := filepath.Join(t.TempDir(), "x.json")
	if _, errOut, code := runCLI(t, "node", "--root", nodeTree(t, "cp-1"), "--node", "not-a-node", "--output-file", other); code != 0 {
		t.Fatalf("audit node: %s", errOut)
	}
	if _, errOut, _ := runCLI(t, "scan", "--snapshot", demo, "--node-reports", filepath.Dir(other), "--control", "4.2.7"); !strings.Contains(errOut, "no node named not-a-node") {
		t.Errorf("a report of an unknown node: stderr %q, want a warning", errOut)
	}

	data, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	// The same node reported in two files: refused, naming both.
	if err := os.WriteFile(filepath.Join(dir, "cp-1-again.json"), data, 0o600); err != nil {
		t.Fatal(err)
	}
	_, errOut, code = runCLI(t, "scan", "--snapshot", demo, "--node-reports", dir, "--control", "4.2.7")
	if code != 2 || !strings.Contains(errOut, `node "cp-1" is reported twice, in `+filepath.Join(dir, "cp-1-again.json")+" and in "+report) {
		t.Errorf("two reports of cp-1: exit %d, stderr %q; want 2 and both files named", code, errOut)
	}

	// From standard input, an agent's series (its report, then a newer one): the newest is used,
	// and a note says so.
	reps, err := nodeagent.DecodeReports(bytes.NewReader(data), report)
	if err != nil {
		t.Fatal(err)
	}
	reps[0].CollectedAt = reps[0].CollectedAt.Add(time.Hour)
	var newer bytes.Buffer
	if err := nodeagent.WriteReport(&newer, &reps[0]); err != nil {
		t.Fatal(err)
	}
	r, w, _ := os.Pipe()
	go func() { w.Write(data); w.Write(newer.Bytes()); w.Close() }()
	oldIn := os.Stdin
	os.Stdin = r
	defer func() { os.Stdin = oldIn }()
	out, errOut, _ = runCLI(t, "scan", "--snapshot", demo, "--node-reports", "-", "--control", "4.2.7", "--output", "json")
	if s := resultOf(t, out, "KP-NODE-007", "Node/cp-1"); s != checks.Fail {
		t.Errorf("from stdin: KP-NODE-007 Node/cp-1 = %q, want FAIL (%s)", s, errOut)
	}
	if !strings.Contains(errOut, "each node's newest report used; 1 earlier report(s)") {
		t.Errorf("from stdin, a series: stderr %q, want a note that the newest report was used", errOut)
	}
}

func TestNodeReportsErrors(t *testing.T) {
	empty := t.TempDir()
	bad := t.TempDir()
	os.WriteFile(filepath.Join(bad, "x.json"), []byte(`{"apiVersion":"v1","kind":"Pod"}`), 0o644)
	for _, tc := range []struct{ dir, want string }{
		{empty, "no *.json file"},
		{bad, "want kubeposture.io/v1alpha1 NodeReport"},
		{filepath.Join(empty, "missing"), "no such file"},
	} {
		_, errOut, code := runCLI(t, "scan", "--snapshot", demo, "--node-reports", tc.dir)
		if code != 2 || !strings.Contains(errOut, "--node-reports") || !strings.Contains(errOut, tc.want) {
			t.Errorf("%s: exit %d, stderr %q; want 2 and %q", tc.dir, code, errOut, tc.want)
		}
	}
	if _, errOut, code := runCLI(t, "node", "--root", filepath.Join(empty, "missing")); code != 2 || !strings.Contains(errOut, "--root") {
		t.Errorf("node --root missing: exit %d, %q", code, errOut)
	}
}
