package report_test

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/internal/synth"
	"github.com/kubeposture/kubeposture/report"
	"github.com/kubeposture/kubeposture/report/sariftest"
	"github.com/kubeposture/kubeposture/snapshot"
	"github.com/kubeposture/kubeposture/snapshot/snapfile"
)

// TestSARIFGitHubIngestion: every kind of SARIF log the renderer writes passes GitHub's
// ingestion rules as well as the schema (the live scan's is checked in cmd/audit, the
// manifests' in TestSARIFManifestLines).
func TestSARIFGitHubIngestion(t *testing.T) {
	demo, err := snapfile.ReadFile("../examples/snapshots/demo.json")
	if err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		rep  *checks.Report
		opts report.SARIFOptions
	}{
		"test":            {rep: testReport(t)},
		"empty":           {rep: checks.Run(snapshot.New(), nil, checks.Selection{})},
		"demo":            {rep: checks.Run(demo, checks.Registered(), checks.Selection{}), opts: report.SARIFOptions{Snapshot: demo}},
		"demo-artifacts":  {rep: checks.Run(demo, checks.Registered(), checks.Selection{}), opts: report.SARIFOptions{Snapshot: demo, Artifacts: t.TempDir()}},
		"synth":           {rep: checks.Run(synth.Snapshot(300), checks.Registered(), checks.Selection{})},
		"no-uid":          {rep: checks.Run(&snapshot.Snapshot{Resources: map[snapshot.Resource]snapshot.Collection{}}, testChecks(), checks.Selection{})},
		"base-and-no-uid": {rep: checks.Run(&snapshot.Snapshot{Resources: map[snapshot.Resource]snapshot.Collection{}}, testChecks(), checks.Selection{}), opts: report.SARIFOptions{Base: t.TempDir()}},
	} {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := report.Write(&buf, tc.rep, report.SARIF, report.Options{SARIF: tc.opts}); err != nil {
				t.Fatal(err)
			}
			validateSARIF(t, buf.Bytes())
			if err := sariftest.CheckGitHub(buf.Bytes()); err != nil {
				t.Fatalf("GitHub's ingestion rules: %v", err)
			}
		})
	}
}

// TestSARIFGitHubCheckFails: the ingestion check refuses each rule broken, so that its passing
// means something.
func TestSARIFGitHubCheckFails(t *testing.T) {
	good := render(t, testReport(t), report.SARIF, report.Options{})
	if err := sariftest.CheckGitHub([]byte(good)); err != nil {
		t.Fatalf("the test report's log: %v", err)
	}
	for name, edit := range map[string][2]string{
		"no physical location":   {`"physicalLocation": {`, `"elsewhere": {`},
		"no region":              {`"region": {`, `"zone": {`},
		"ruleIndex of another":   {`"ruleIndex": 1`, `"ruleIndex": 0`},
		"no message":             {`"message": {`, `"note": {`},
		"no fingerprint":         {`"partialFingerprints": {`, `"fingerprints": {`},
		"no security-severity":   {`"security-severity"`, `"severity-security"`},
		"no category":            {`"id": "kubeposture/7d1c-uid/"`, `"id": "kubeposture"`},
		"uri of another scheme":  {`"uri": "kubernetes/`, `"uri": "https://example.com/kubernetes/`},
		"line 0":                 {`"startLine": 1`, `"startLine": 0`},
		"rule level not a level": {`"level": "error"`, `"level": "severe"`},
	} {
		// Edits of a result's property are made in the first result.
		head, results, _ := strings.Cut(good, `"results": [`)
		bad := strings.Replace(good, edit[0], edit[1], 1)
		if strings.Contains(results, edit[0]) {
			bad = head + `"results": [` + strings.Replace(results, edit[0], edit[1], 1)
		}
		if bad == good {
			t.Fatalf("%s: %q not in the log", name, edit[0])
		}
		if err := sariftest.CheckGitHub([]byte(bad)); err == nil {
			t.Errorf("%s: the check passed", name)
		}
	}
}

// TestSARIFArtifacts: with an artifacts directory, each object a result is about is written at
// the path the result names, as the snapshot holds it (a secret's metadata only), and the
// result's lines are those of the field its evidence names in that file.
func TestSARIFArtifacts(t *testing.T) {
	demo, err := snapfile.ReadFile("../examples/snapshots/demo.json")
	if err != nil {
		t.Fatal(err)
	}
	// A failing result on the demo's secret, so that its artifact is written.
	rep := checks.Run(demo, checks.Registered(), checks.Selection{})
	rep.Controls[0].Results = append(rep.Controls[0].Results, checks.Result{ControlID: rep.Controls[0].ID, Status: checks.Fail,
		Resource: checks.Resource{Kind: "Secret", Namespace: "legacy", Name: "db"}, Evidence: checks.Evidence{Where: "type"}})
	base := t.TempDir()
	arts := filepath.Join(base, "posture")
	var buf bytes.Buffer
	if err := report.Write(&buf, rep, report.SARIF, report.Options{SARIF: report.SARIFOptions{Base: base, Snapshot: demo, Artifacts: arts}}); err != nil {
		t.Fatal(err)
	}
	if err := sariftest.CheckGitHub(buf.Bytes()); err != nil {
		t.Fatal(err)
	}
	run := decodeRun(t, buf.Bytes())
	uid := demo.Cluster.UID
	written := 0
	for _, r := range run.Results {
		l := r.Locations[0]
		obj := l.LogicalLocations[0].FullyQualifiedName
		uri := l.PhysicalLocation.ArtifactLocation.URI
		if !strings.HasPrefix(uri, "posture/kubernetes/"+uid+"/") {
			t.Errorf("%s on %s: uri %q, not below the artifacts directory", r.RuleID, obj, uri)
			continue
		}
		data, err := os.ReadFile(filepath.Join(base, filepath.FromSlash(uri)))
		if os.IsNotExist(err) {
			// Only what the snapshot holds as an object is written (not a node group).
			if kind := strings.Split(obj, "/")[0]; kind != "NodeGroup" {
				t.Errorf("%s on %s: no artifact %s", r.RuleID, obj, uri)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		written++
		lines := strings.Split(string(data), "\n")
		rg := l.PhysicalLocation.Region
		if rg.StartLine < 1 || rg.EndLine > len(lines) {
			t.Errorf("%s on %s: lines %d-%d of a %d-line file", r.RuleID, obj, rg.StartLine, rg.EndLine, len(lines))
			continue
		}
		if m := firstAssign.FindStringSubmatch(r.Properties.Observed); m != nil && strings.HasSuffix(m[1], ".privileged") && !strings.Contains(lines[rg.StartLine-1], "privileged: true") {
			t.Errorf("%s on %s: line %d is %q, not the privileged field", r.RuleID, obj, rg.StartLine, lines[rg.StartLine-1])
		}
		if obj == "Cluster" && !strings.Contains(string(data), "uid: "+uid) {
			t.Errorf("the cluster's file lacks its UID:\n%s", data)
		}
		if strings.HasPrefix(obj, "Secret/") {
			if indexOf(lines, "data:") >= 0 || indexOf(lines, "stringData:") >= 0 || !strings.Contains(string(data), "kind: Secret") {
				t.Errorf("the secret's artifact is not metadata and type only:\n%s", data)
			}
			if rg.StartLine != 1+indexOf(lines, "type: Opaque") {
				t.Errorf("the secret's result is on line %d, not its type's", rg.StartLine)
			}
		}
	}
	if written == 0 {
		t.Fatal("no artifact written")
	}
	// The URIs without the artifacts are the same, below the base.
	buf.Reset()
	if err := report.Write(&buf, rep, report.SARIF, report.Options{SARIF: report.SARIFOptions{Snapshot: demo}}); err != nil {
		t.Fatal(err)
	}
	for i, r := range decodeRun(t, buf.Bytes()).Results {
		if want := "posture/" + r.Locations[0].PhysicalLocation.ArtifactLocation.URI; want != run.Results[i].Locations[0].PhysicalLocation.ArtifactLocation.URI {
			t.Errorf("result %d: %s without artifacts, %s with", i, want, run.Results[i].Locations[0].PhysicalLocation.ArtifactLocation.URI)
		}
	}
}

// firstAssign is the first field an observation names with its value ("securityContext.privileged=true").
var firstAssign = regexp.MustCompile(`([A-Za-z_][A-Za-z0-9_.]*)=`)

func indexOf(lines []string, s string) int {
	for i, l := range lines {
		if l == s {
			return i
		}
	}
	return -1
}

// TestSARIFResultLimit: a report with more results than GitHub takes in a run keeps the most
// severe, says on standard error and in the run how many it left out, and passes the rules.
func TestSARIFResultLimit(t *testing.T) {
	demo, err := snapfile.ReadFile("../examples/snapshots/demo.json")
	if err != nil {
		t.Fatal(err)
	}
	rep := checks.Run(demo, checks.Registered(), checks.Selection{})
	var all bytes.Buffer
	if err := report.Write(&all, rep, report.SARIF, report.Options{}); err != nil {
		t.Fatal(err)
	}
	total := len(decodeRun(t, all.Bytes()).Results)
	const limit = 20
	if total <= limit {
		t.Fatalf("the demo has %d results, not more than %d", total, limit)
	}
	report.SetSARIFMaxResults(t, limit)
	var buf, warn bytes.Buffer
	if err := report.Write(&buf, rep, report.SARIF, report.Options{SARIF: report.SARIFOptions{Warn: &warn}}); err != nil {
		t.Fatal(err)
	}
	if err := sariftest.CheckGitHub(buf.Bytes()); err != nil {
		t.Fatal(err)
	}
	kept := decodeRun(t, buf.Bytes()).Results
	if len(kept) != limit {
		t.Fatalf("%d results kept, want %d", len(kept), limit)
	}
	// The kept results are the most severe: none left out is more severe than one kept.
	sev := map[string]int{}
	for _, c := range rep.Controls {
		sev[c.ID] = c.Severity.Rank()
	}
	lowestKept := 100
	keptIDs := map[string]int{}
	for _, r := range kept {
		lowestKept = min(lowestKept, sev[r.RuleID])
		keptIDs[r.RuleID]++
	}
	for _, r := range decodeRun(t, all.Bytes()).Results {
		if keptIDs[r.RuleID] > 0 {
			keptIDs[r.RuleID]--
			continue
		}
		if sev[r.RuleID] > lowestKept {
			t.Errorf("%s (severity rank %d) left out while a result of rank %d is kept", r.RuleID, sev[r.RuleID], lowestKept)
		}
	}
	msg := itoa(total-limit) + " result(s) left out"
	if !strings.Contains(warn.String(), msg) || !strings.HasPrefix(warn.String(), "audit: warning: SARIF:") {
		t.Errorf("stderr %q does not say %q", warn.String(), msg)
	}
	if !strings.Contains(buf.String(), msg) {
		t.Errorf("the run's notifications do not say %q", msg)
	}
}
