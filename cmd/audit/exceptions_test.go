package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kubeposture/kubeposture/checks"
)

const exampleExceptions = "../../examples/exceptions/exceptions.yaml"

func TestScanExceptions(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "exc.yaml")
	// Static control-plane pods (by label) accepted as privileged; one expired entry.
	doc := `apiVersion: kubeposture.io/v1alpha1
kind: Exceptions
exceptions:
- control: KP-WL-001
  resource: {kind: Pod, labels: {tier: control-plane}}
  reason: static pods
  owner: platform
  expires: "2099-01-01"
- control: KP-WL-003
  resource: {kind: Deployment, name: admin-tool}
  reason: old
  owner: legacy
  expires: "2001-01-01"
`
	if err := os.WriteFile(file, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runCLI(t, "scan", "--snapshot", demo, "--layer", "workload", "--output", "json", "--exceptions", file)
	if code != 1 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var rep checks.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	for _, c := range rep.Controls {
		switch c.ID {
		case "KP-WL-001":
			for _, r := range c.Results {
				cp := strings.HasSuffix(r.Resource.Name, "-cp-1") && r.Resource.Kind == "Pod"
				if cp != (r.Status == checks.Excepted) {
					t.Errorf("KP-WL-001 %s: %s", r.Resource, r.Status)
				}
			}
			if c.Counts[checks.Excepted] < 3 {
				t.Errorf("KP-WL-001 counts %v", c.Counts)
			}
		case "KP-WL-003":
			if c.Status != checks.Fail {
				t.Errorf("KP-WL-003 is %s: an expired exception must not apply", c.Status)
			}
		}
	}
	if rep.Exceptions == nil || len(rep.Exceptions.Expired) != 1 {
		t.Errorf("exceptions section: %+v", rep.Exceptions)
	}

	// report --exceptions re-renders a saved result with another file (here: none matching).
	saved := filepath.Join(dir, "r.json")
	if err := os.WriteFile(saved, []byte(out), 0o600); err != nil {
		t.Fatal(err)
	}
	table, errOut, code := runCLI(t, "report", "--from", saved, "--format", "table", "--exceptions", exampleExceptions)
	if code != 0 || !strings.Contains(table, "EXCEPTED") {
		t.Errorf("report --exceptions: exit %d, stderr %s", code, errOut)
	}

	// A bad file fails before collection, naming the file, the entry and the field.
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte(strings.Replace(doc, "owner: legacy", "ownr: legacy", 1)), 0o600)
	_, errOut, code = runCLI(t, "scan", "--snapshot", demo, "--exceptions", bad)
	if code != 2 || !strings.Contains(errOut, bad+": exceptions[1]: unknown field \"ownr\"") {
		t.Errorf("bad file: exit %d, stderr %q", code, errOut)
	}
}

func TestExampleExceptionsParse(t *testing.T) {
	list, err := checks.ReadExceptionsFile(exampleExceptions)
	if err != nil || len(list) == 0 {
		t.Fatalf("%v (%d entries)", err, len(list))
	}
}
