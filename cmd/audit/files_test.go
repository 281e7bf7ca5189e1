package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The file flags read the copies into the snapshot before the checks run; a file that cannot
// be read or parsed is a usage error naming it.
func TestScanFileFlags(t *testing.T) {
	dir := t.TempDir()
	policy := filepath.Join(dir, "audit.yaml")
	if err := os.WriteFile(policy, []byte("apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "enc.yaml")
	if err := os.WriteFile(bad, []byte("kind: Policy\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// The demo's API server has no --audit-policy-file: the copy cannot make it pass.
	out, _, code := runCLI(t, "scan", "--snapshot", demo, "--control", "KP-CP-046", "--audit-policy", policy, "--output", "json")
	if code != 1 || !strings.Contains(out, `"KP-CP-046"`) || !strings.Contains(out, "nothing is audited") {
		t.Errorf("exit %d, output:\n%s", code, out)
	}
	_, errOut, code := runCLI(t, "scan", "--snapshot", demo, "--encryption-config", bad)
	if code != 2 || !strings.Contains(errOut, bad) || !strings.Contains(errOut, "EncryptionConfiguration") {
		t.Errorf("bad file: exit %d, stderr %q; want 2 naming the file and the kind", code, errOut)
	}
	_, errOut, code = runCLI(t, "scan", "--snapshot", demo, "--authorization-config", filepath.Join(dir, "missing.yaml"))
	if code != 2 || !strings.Contains(errOut, "missing.yaml") {
		t.Errorf("missing file: exit %d, stderr %q", code, errOut)
	}
}
