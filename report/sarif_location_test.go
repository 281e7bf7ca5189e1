package report_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/collect"
	"github.com/kubeposture/kubeposture/report"
	"github.com/kubeposture/kubeposture/report/sariftest"
)

// manifests is a multi-document file: a Deployment (after a comment and a separator), a
// privileged Pod, and a List holding a Service. Each "# at:" comment names the line below it.
const manifests = `# team web
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      # at: hostNetwork
      hostNetwork: true
      containers:
      - name: web
        image: web:1
---
apiVersion: v1
kind: Pod
metadata:
  name: admin
  namespace: tools
spec:
  containers:
  - name: admin
    image: admin:1.0
    securityContext:
      # at: privileged
      privileged: true
---
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Service
  metadata:
    name: edge
    namespace: shop
  spec:
    type: NodePort
    ports:
    - port: 80
      nodePort: 30080
`

// sarifRun is the part of a SARIF run the location tests read.
type sarifRun struct {
	OriginalURIBaseIDs map[string]struct {
		URI string `json:"uri"`
	} `json:"originalUriBaseIds"`
	Results []struct {
		RuleID    string `json:"ruleId"`
		Locations []struct {
			PhysicalLocation struct {
				ArtifactLocation struct {
					URI       string `json:"uri"`
					URIBaseID string `json:"uriBaseId"`
				} `json:"artifactLocation"`
				Region struct {
					StartLine int `json:"startLine"`
					EndLine   int `json:"endLine"`
				} `json:"region"`
			} `json:"physicalLocation"`
			LogicalLocations []struct {
				FullyQualifiedName string `json:"fullyQualifiedName"`
			} `json:"logicalLocations"`
		} `json:"locations"`
		Properties struct {
			Where    string `json:"where"`
			Observed string `json:"observed"`
		} `json:"properties"`
	} `json:"results"`
}

func decodeRun(t *testing.T, doc []byte) sarifRun {
	t.Helper()
	var log struct {
		Runs []sarifRun `json:"runs"`
	}
	if err := json.Unmarshal(doc, &log); err != nil || len(log.Runs) != 1 {
		t.Fatalf("SARIF: %v, %d runs", err, len(log.Runs))
	}
	return log.Runs[0]
}

// lineOf is the number of the line after the "# at: name" comment of text.
func lineOf(t *testing.T, text, name string) int {
	t.Helper()
	for i, l := range strings.Split(text, "\n") {
		if strings.TrimSpace(l) == "# at: "+name {
			return i + 2
		}
	}
	t.Fatalf("no line marked %s", name)
	return 0
}

// TestSARIFManifestLines: a finding on an object read from a multi-document manifest file
// (audit scan -f) points at the file, relative to the base (%SRCROOT%), and at the line of the
// field its evidence names, or else at the object's own lines; the log passes the schema and
// GitHub's ingestion rules.
func TestSARIFManifestLines(t *testing.T) {
	base := t.TempDir()
	dir := filepath.Join(base, "deploy", "app manifests")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "all.yaml")
	if err := os.WriteFile(file, []byte(manifests), 0o600); err != nil {
		t.Fatal(err)
	}
	m, err := collect.ReadManifests([]string{file})
	if err != nil {
		t.Fatal(err)
	}
	rep := checks.Run(m.Snapshot, checks.Registered(), checks.Selection{})
	if report.CheckCompactResults(t, rep) == 0 {
		t.Fatal("the manifests fail nothing")
	}
	var buf bytes.Buffer
	if err := report.Write(&buf, rep, report.SARIF, report.Options{SARIF: report.SARIFOptions{Base: base, Snapshot: m.Snapshot}}); err != nil {
		t.Fatal(err)
	}
	validateSARIF(t, buf.Bytes())
	if err := sariftest.CheckGitHub(buf.Bytes()); err != nil {
		t.Fatalf("GitHub's ingestion rules: %v", err)
	}
	run := decodeRun(t, buf.Bytes())
	if root := run.OriginalURIBaseIDs["%SRCROOT%"].URI; !strings.HasPrefix(root, "file:///") || !strings.HasSuffix(root, "/") {
		t.Errorf("%%SRCROOT%% is %q, want the base as a file URI", root)
	}
	// The objects' lines in the file: each document runs to the line before the next "---".
	lines := strings.Split(manifests, "\n")
	docStart := func(kind string) int {
		for i, l := range lines {
			if l == "kind: "+kind || l == "  kind: "+kind {
				return i // the line above, apiVersion, is line i (counted from 1)
			}
		}
		t.Fatalf("no %s", kind)
		return 0
	}
	objects := map[string][2]int{
		"Deployment/shop/web": {docStart("Deployment"), docStart("Pod") - 2},
		"Pod/tools/admin":     {docStart("Pod"), docStart("List") - 2},
		"Service/shop/edge":   {docStart("Service"), len(lines) - 1},
	}
	fields := map[string]int{"hostNetwork": lineOf(t, manifests, "hostNetwork"), "privileged": lineOf(t, manifests, "privileged")}
	seen := map[string]int{}
	for _, r := range run.Results {
		l := r.Locations[0]
		obj := l.LogicalLocations[0].FullyQualifiedName
		al := l.PhysicalLocation.ArtifactLocation
		if al.URI != "deploy/app%20manifests/all.yaml" || al.URIBaseID != "%SRCROOT%" {
			t.Errorf("%s on %s: uri %q base %q, want the path relative to the base", r.RuleID, obj, al.URI, al.URIBaseID)
		}
		span, ok := objects[obj]
		rg := l.PhysicalLocation.Region
		if !ok || rg.StartLine < span[0] || rg.EndLine > span[1] || rg.EndLine < rg.StartLine {
			t.Errorf("%s on %s: lines %d-%d, outside the object's %v", r.RuleID, obj, rg.StartLine, rg.EndLine, span)
		}
		t.Logf("%s on %s: %d-%d (where %q, observed %q)", r.RuleID, obj, rg.StartLine, rg.EndLine, r.Properties.Where, r.Properties.Observed)
		for f, line := range fields {
			// The evidence names the field, first in where or in what was observed.
			if !strings.HasSuffix(strings.Split(r.Properties.Where, ",")[0], "."+f) && !strings.Contains(r.Properties.Observed, f+"=true") {
				continue
			}
			seen[f]++
			if rg.StartLine != line {
				t.Errorf("%s on %s (where %q, observed %q): line %d, want %d", r.RuleID, obj, r.Properties.Where, r.Properties.Observed, rg.StartLine, line)
			}
		}
	}
	for f := range fields {
		if seen[f] == 0 {
			t.Errorf("no finding names the field %s: the test checks no field line", f)
		}
	}

	// A file outside the base is named by its absolute file URI, which GitHub makes relative
	// to its checkout itself.
	buf.Reset()
	if err := report.Write(&buf, rep, report.SARIF, report.Options{SARIF: report.SARIFOptions{Base: t.TempDir(), Snapshot: m.Snapshot}}); err != nil {
		t.Fatal(err)
	}
	run = decodeRun(t, buf.Bytes())
	if al := run.Results[0].Locations[0].PhysicalLocation.ArtifactLocation; !strings.HasPrefix(al.URI, "file:///") || !strings.HasSuffix(al.URI, "/deploy/app%20manifests/all.yaml") || al.URIBaseID != "" {
		t.Errorf("outside the base: uri %q base %q, want an absolute file URI", al.URI, al.URIBaseID)
	}
	if err := sariftest.CheckGitHub(buf.Bytes()); err != nil {
		t.Errorf("GitHub's ingestion rules: %v", err)
	}
}

// A cluster object's URI is one valid relative URI, the same file name on disk: a node
// group's name has spaces, an RBAC name colons, a name never a path of its own.
func TestClusterURI(t *testing.T) {
	for _, tt := range []struct {
		res  checks.Resource
		want string
	}{
		{checks.Resource{Kind: "Pod", Namespace: "shop", Name: "web-1"}, "kubernetes/uid/shop/Pod/web-1.yaml"},
		{checks.Resource{Kind: "NodeGroup", Name: "legacy-1 and 1 more"}, "kubernetes/uid/_cluster/NodeGroup/legacy-1_and_1_more.yaml"},
		{checks.Resource{Kind: "ClusterRole", Name: "system:node"}, "kubernetes/uid/_cluster/ClusterRole/system:node.yaml"},
		{checks.Resource{Kind: "Pod", Namespace: "shop", Name: "../../etc"}, "kubernetes/uid/shop/Pod/.._.._etc.yaml"},
		{checks.Resource{Kind: "Cluster"}, "kubernetes/uid/cluster.yaml"},
	} {
		if got := report.ClusterURI("uid", tt.res); got != tt.want {
			t.Errorf("ClusterURI(%v) = %q, want %q", tt.res, got, tt.want)
		}
	}
}
