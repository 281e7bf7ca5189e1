package report_test

import (
	"bytes"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/collect"
	"github.com/kubeposture/kubeposture/report"
)

const privilegedPod = `apiVersion: v1
kind: Pod
metadata:
  name: admin
  namespace: tools
spec:
  containers:
  - name: admin
    image: admin:1.0
    securityContext:
      privileged: true
`

// TestSARIFPhysicalLocation: a finding on an object read from a manifest file (audit scan -f)
// is located in that file as well as by the object's name, the file's path escaped as a URI
// reference; the log stays valid SARIF 2.1.0, and the compact encoding still equals go-sarif's.
func TestSARIFPhysicalLocation(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "app manifests")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "pod.yaml")
	if err := os.WriteFile(file, []byte(privilegedPod), 0o600); err != nil {
		t.Fatal(err)
	}
	m, err := collect.ReadManifests([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	rep := checks.Run(m.Snapshot, checks.Registered(), checks.Selection{})
	if report.CheckCompactResults(t, rep) == 0 {
		t.Fatal("the privileged pod fails nothing")
	}
	var buf bytes.Buffer
	if err := report.Write(&buf, rep, report.SARIF, report.Options{}); err != nil {
		t.Fatal(err)
	}
	validateSARIF(t, buf.Bytes())

	var log struct {
		Runs []struct {
			Results []struct {
				RuleID    string `json:"ruleId"`
				Locations []struct {
					PhysicalLocation *struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
					} `json:"physicalLocation"`
					LogicalLocations []struct {
						FullyQualifiedName string `json:"fullyQualifiedName"`
					} `json:"logicalLocations"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	want := (&url.URL{Path: filepath.ToSlash(file)}).String()
	found := false
	for _, r := range log.Runs[0].Results {
		for _, l := range r.Locations {
			if len(l.LogicalLocations) == 0 || l.LogicalLocations[0].FullyQualifiedName != "Pod/tools/admin" {
				continue
			}
			if l.PhysicalLocation == nil || l.PhysicalLocation.ArtifactLocation.URI != want {
				t.Errorf("%s on Pod/tools/admin: physical location %+v, want uri %q", r.RuleID, l.PhysicalLocation, want)
			}
			found = true
		}
	}
	if !found {
		t.Fatal("no SARIF result for Pod/tools/admin")
	}
}
