package report_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/report"
	"github.com/kubeposture/kubeposture/snapshot"
)

func control(id string, layer checks.Layer, sev checks.Severity, refs checks.References) checks.Control {
	return checks.Control{
		ID: id, Title: "Title of " + id, Layer: layer, Severity: sev,
		Description: "Why " + id + " matters.", Remediation: "How to fix " + id + ".", References: refs,
	}
}

func fixed(rs ...checks.Result) func(*snapshot.Snapshot) []checks.Result {
	return func(*snapshot.Snapshot) []checks.Result { return append([]checks.Result(nil), rs...) }
}

// testChecks covers every section of the table: a pass, a failure with evidence, a control
// NOT_EVALUATED for a forbidden input, 15 failing resources to fold, and a warning.
func testChecks() []checks.Check {
	var many []checks.Result
	for i := 0; i < 15; i++ {
		many = append(many, checks.Result{Status: checks.Fail,
			Resource: checks.Resource{Kind: "Pod", Namespace: "shop", Name: fmt.Sprintf("pod-%02d", i)},
			Evidence: checks.Evidence{Observed: "privileged=true", Expected: "privileged unset or false",
				Where: fmt.Sprintf("spec.containers[0].securityContext.privileged of pod-%02d", i)}})
	}
	for i := 0; i < 3; i++ {
		many = append(many, checks.Result{Status: checks.Pass,
			Resource: checks.Resource{Kind: "Pod", Namespace: "shop", Name: fmt.Sprintf("ok-%d", i)}})
	}
	apiserver := checks.Resource{Kind: "Component", Namespace: "kube-system", Name: "kube-apiserver-cp-1"}
	return []checks.Check{
		{Control: control("TEST-CP-PASS", checks.ControlPlane, checks.High, checks.References{CIS: []string{"1.2.2"}}),
			Inputs:   []snapshot.Resource{snapshot.ResControlPlane},
			Evaluate: fixed(checks.Result{Status: checks.Pass, Resource: apiserver})},
		{Control: control("TEST-CP-FAIL", checks.ControlPlane, checks.Critical, checks.References{CIS: []string{"1.2.1"}, NSA: []string{"C-0005"}}),
			Inputs: []snapshot.Resource{snapshot.ResControlPlane},
			Evaluate: fixed(checks.Result{Status: checks.Fail, Resource: apiserver, Evidence: checks.Evidence{
				Observed: "--anonymous-auth absent (default true)",
				Expected: "--anonymous-auth=false",
				Where:    "kube-system/kube-apiserver-cp-1 command line",
			}})},
		{Control: control("TEST-NODE-NE", checks.Node, checks.High, checks.References{CIS: []string{"4.2.1"}}),
			Inputs: []snapshot.Resource{snapshot.ResNodes, snapshot.ResKubeletConfigs},
			Evaluate: func(*snapshot.Snapshot) []checks.Result {
				panic("must not be called: nodes/proxy is forbidden")
			}},
		{Control: control("TEST-WL-MANY", checks.Workload, checks.High, checks.References{PSS: []string{"privileged"}, PSSLevel: "baseline"}),
			Inputs:   []snapshot.Resource{snapshot.ResPods},
			Evaluate: fixed(many...)},
		{Control: control("TEST-NET-WARN", checks.Network, checks.Medium, checks.References{NSA: []string{"C-0260"}}),
			Inputs: []snapshot.Resource{snapshot.ResServices},
			Evaluate: fixed(checks.Result{Status: checks.Warn,
				Resource: checks.Resource{Kind: "Service", Namespace: "shop", Name: "web"},
				Evidence: checks.Evidence{Observed: "type=LoadBalancer", Expected: "ClusterIP unless exposure is intended", Where: "spec.type"}})},
	}
}

func testSnapshot() *snapshot.Snapshot {
	s := snapshot.New()
	s.Cluster = snapshot.Cluster{UID: "7d1c-uid", Server: "https://cp.example.test:6443", Version: "v1.33.1", Provider: snapshot.ProviderKubeadm}
	s.CollectedAt = time.Date(2025, 6, 1, 12, 30, 0, 0, time.UTC)
	s.ToolVersion = "v0.1.0-test"
	s.Resources[snapshot.ResControlPlane] = snapshot.Collection{State: snapshot.Collected, Count: 1}
	s.Resources[snapshot.ResNodes] = snapshot.Collection{State: snapshot.Collected, Count: 2}
	s.Resources[snapshot.ResKubeletConfigs] = snapshot.Collection{State: snapshot.Forbidden, Message: `nodes "node-a" is forbidden: cannot get resource "nodes/proxy"`}
	s.Resources[snapshot.ResPods] = snapshot.Collection{State: snapshot.Collected, Count: 18}
	s.Resources[snapshot.ResServices] = snapshot.Collection{State: snapshot.Collected, Count: 1}
	s.Resources[snapshot.ResSecrets] = snapshot.Collection{State: snapshot.Failed, Message: "timeout"}
	return s
}

func testReport(t *testing.T) *checks.Report {
	t.Helper()
	rep := checks.Run(testSnapshot(), testChecks(), checks.Selection{Frameworks: []checks.Framework{checks.All}})
	if len(rep.Controls) != 5 {
		t.Fatalf("report has %d controls", len(rep.Controls))
	}
	return rep
}

func render(t *testing.T, rep *checks.Report, f report.Format, opts report.Options) string {
	t.Helper()
	var b bytes.Buffer
	if err := report.Write(&b, rep, f, opts); err != nil {
		t.Fatalf("Write %s: %v", f, err)
	}
	return b.String()
}

func TestTable(t *testing.T) {
	rep := testReport(t)
	out := render(t, rep, report.Table, report.Options{})
	t.Log("\n" + out)

	for _, want := range []string{
		// header block
		"Cluster server:  https://cp.example.test:6443",
		"Version:         v1.33.1",
		"Provider:        kubeadm",
		"Cluster UID:     7d1c-uid",
		"Collected at:    2025-06-01T12:30:00Z",
		"Tool version:    v0.1.0-test",
		"Frameworks:      all",
		// layer tables
		"Control plane (2 controls)", "Node (1 control)", "Workload (1 control)", "Network (1 control)",
		"Control", "CIS", "Severity", "Status", "Title", "Findings",
		"TEST-CP-PASS", "1.2.2", "1 PASS",
		"TEST-CP-FAIL", "1.2.1", "critical", "1 FAIL",
		"15 FAIL / 3 PASS",
		"1 NOT_EVALUATED",
		"1 WARN",
		// findings with evidence
		"TEST-CP-FAIL [FAIL, critical] Title of TEST-CP-FAIL",
		"- FAIL Component/kube-system/kube-apiserver-cp-1",
		"observed: --anonymous-auth absent (default true)",
		"expected: --anonymous-auth=false",
		"where:    kube-system/kube-apiserver-cp-1 command line",
		"TEST-WL-MANY [FAIL, high]",
		"- FAIL Pod/shop/pod-00", "- FAIL Pod/shop/pod-09",
		"  … and 5 more (see --output json)",
		"TEST-NET-WARN [WARN, medium]",
		"- WARN Service/shop/web",
		"TEST-NODE-NE [NOT_EVALUATED, high]",
		`not evaluated: nodes/proxy: forbidden: nodes "node-a" is forbidden: cannot get resource "nodes/proxy"`,
		// not collected
		"Not collected (the controls that need these are NOT_EVALUATED)",
		`- nodes/proxy forbidden: nodes "node-a" is forbidden`,
		"- secrets failed: timeout",
		// summary
		"Scope", "NOT_EVALUATED", "Score",
		"layer control-plane", "layer node", "framework cis-1.12", "framework nsa", "framework pss-baseline", "total",
		"n/a", "37.5", "50.0",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q", want)
		}
	}
	for _, absent := range []string{"pod-10", "pod-14", "ok-0", "\x1b["} {
		if strings.Contains(out, absent) {
			t.Errorf("table contains %q", absent)
		}
	}

	// Sections in order: layers in checks.Layers order, then findings (FAIL before WARN
	// before NOT_EVALUATED; critical first), not collected, summary.
	order := []string{
		"kubeposture audit report", "Control plane (", "Node (", "Workload (", "Network (",
		"\nFindings\n", "TEST-CP-FAIL [FAIL", "TEST-WL-MANY [FAIL", "TEST-NET-WARN [WARN", "TEST-NODE-NE [NOT_EVALUATED",
		"\nNot collected", "\nSummary", "layer control-plane", "layer node", "layer workload", "layer network",
		"framework cis-1.12", "framework pss-baseline", "framework nsa", "total",
	}
	last := -1
	for _, s := range order {
		i := strings.Index(out, s)
		if i <= last {
			t.Errorf("%q is out of order (at %d, previous at %d)", s, i, last)
		}
		if i > last {
			last = i
		}
	}
	// A passing control has no findings entry.
	if strings.Contains(out, "TEST-CP-PASS [") {
		t.Errorf("a passing control is listed in the findings")
	}
	// The total row: 5 controls, 1 PASS, 2 FAIL, 1 WARN, 1 NOT_EVALUATED, 37.5.
	if !containsRow(out, "total", "5", "1", "2", "1", "1", "37.5") {
		t.Errorf("no total row with 5 1 2 1 1 37.5")
	}
	if !containsRow(out, "layer node", "1", "0", "0", "0", "1", "n/a") {
		t.Errorf("no node row with n/a")
	}

	if again := render(t, rep, report.Table, report.Options{}); again != out {
		t.Errorf("two renders of the same report differ")
	}
}

// containsRow reports whether some line holds the cells in order, separated by table borders.
func containsRow(out string, cells ...string) bool {
	for _, line := range strings.Split(out, "\n") {
		var fields []string
		for _, f := range strings.FieldsFunc(line, func(r rune) bool { return r == '│' || r == '|' }) {
			if f = strings.TrimSpace(f); f != "" {
				fields = append(fields, f)
			}
		}
		if reflect.DeepEqual(fields, cells) {
			return true
		}
	}
	return false
}

func TestTableMaxResources(t *testing.T) {
	rep := testReport(t)
	all := render(t, rep, report.Table, report.Options{MaxResources: -1})
	if strings.Contains(all, "more (see --output json)") || !strings.Contains(all, "Pod/shop/pod-14") {
		t.Errorf("MaxResources -1 does not list every resource")
	}
	three := render(t, rep, report.Table, report.Options{MaxResources: 3})
	if !strings.Contains(three, "… and 12 more (see --output json)") || strings.Contains(three, "pod-03") {
		t.Errorf("MaxResources 3 does not fold after 3 resources")
	}
}

func TestTableEmptyAndUnknown(t *testing.T) {
	empty := checks.Run(testSnapshot(), nil, checks.Selection{})
	out := render(t, empty, report.Table, report.Options{})
	for _, want := range []string{"No control was selected.", "No control failed", "total"} {
		if !strings.Contains(out, want) {
			t.Errorf("empty report lacks %q:\n%s", want, out)
		}
	}
	// A control of a layer this version does not know is still shown, after the known ones.
	odd := checks.Run(testSnapshot(), []checks.Check{
		{Control: control("TEST-ODD", "kernel", checks.Low, checks.References{}),
			Evaluate: fixed(checks.Result{Status: checks.Fail, Resource: checks.Resource{Kind: "Node", Name: "n1"}})},
		testChecks()[0],
	}, checks.Selection{})
	out = render(t, odd, report.Table, report.Options{})
	if i, j := strings.Index(out, "Control plane ("), strings.Index(out, "Layer kernel ("); i < 0 || j < i {
		t.Errorf("unknown layer not rendered after the known ones:\n%s", out)
	}
	if !strings.Contains(out, "layer kernel") {
		t.Errorf("unknown layer missing from the summary")
	}
}

func TestJSON(t *testing.T) {
	rep := testReport(t)
	out := render(t, rep, report.JSON, report.Options{})
	if !strings.HasPrefix(out, "{\n  \"schemaVersion\": \"kubeposture.io/report/v1alpha1\",\n") {
		t.Errorf("JSON does not start with a two-space indented schemaVersion:\n%.200s", out)
	}
	if !strings.HasSuffix(out, "}\n") || strings.HasSuffix(out, "\n\n") {
		t.Errorf("JSON does not end in exactly one newline")
	}
	for _, key := range []string{`"selection": {`, `"frameworks": [`, `"notCollected": [`, `"controls": [`, `"byLayer": {`, `"byFramework": {`, `"score": -1`, `"evidence": {`, `"NOT_EVALUATED": 1`} {
		if !strings.Contains(out, key) {
			t.Errorf("JSON lacks %s", key)
		}
	}
	if strings.Contains(out, `\u003c`) || strings.Contains(out, `\u0026`) {
		t.Errorf("JSON escapes HTML characters")
	}
	var got checks.Report
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&got); err != nil {
		t.Fatalf("JSON does not decode into checks.Report: %v", err)
	}
	// Times are compared as instants, then cleared: their zone is the only thing that may
	// differ after a round trip.
	for _, p := range [][2]*time.Time{{&rep.CollectedAt, &got.CollectedAt}, {&rep.GeneratedAt, &got.GeneratedAt}} {
		if !p[0].Equal(*p[1]) {
			t.Errorf("time changed: %v → %v", *p[0], *p[1])
		}
		*p[0], *p[1] = time.Time{}, time.Time{}
	}
	if !reflect.DeepEqual(*rep, got) {
		w, _ := json.Marshal(rep)
		g, _ := json.Marshal(got)
		t.Errorf("JSON round trip differs:\nwant %s\ngot  %s", w, g)
	}

	empty := render(t, checks.Run(testSnapshot(), nil, checks.Selection{}), report.JSON, report.Options{})
	if !strings.Contains(empty, `"controls": []`) {
		t.Errorf("an empty report's controls are not an empty array")
	}
}

// TestJSONResultReferences: a result that decides fewer items than its control says which
// (docs/report-json.md); one that decides them all says nothing, and reads back as its
// control's.
func TestJSONResultReferences(t *testing.T) {
	pid := checks.Result{Status: checks.Fail, Resource: checks.Resource{Kind: "Pod", Namespace: "a", Name: "pid"},
		References: &checks.References{CIS: []string{"5.2.3"}}}
	all := checks.Result{Status: checks.Pass, Resource: checks.Resource{Kind: "Pod", Namespace: "a", Name: "all"}}
	c := checks.Check{Control: control("TEST-WL-SPLIT", checks.Workload, checks.High,
		checks.References{CIS: []string{"5.2.3", "5.2.4"}}),
		Evaluate: func(*snapshot.Snapshot) []checks.Result { return []checks.Result{pid, all} }}
	out := render(t, checks.Run(testSnapshot(), []checks.Check{c}, checks.Selection{}), report.JSON, report.Options{})
	if n := strings.Count(out, `"references"`); n != 2 { // the control's, and the one result's
		t.Errorf("%d references objects, want the control's and pid's:\n%s", n, out)
	}
	got, err := report.ReadJSON(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	ctl := &got.Controls[0]
	for _, r := range ctl.Results {
		want := []string{"5.2.3", "5.2.4"}
		if r.Resource.Name == "pid" {
			want = []string{"5.2.3"}
		}
		if d := r.Decides(&ctl.Control); !reflect.DeepEqual(d.CIS, want) {
			t.Errorf("%s decides %v after a round trip, want %v", r.Resource, d.CIS, want)
		}
	}
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]report.Format{"table": report.Table, "JSON": report.JSON, " json ": report.JSON} {
		if got, err := report.ParseFormat(in); err != nil || got != want {
			t.Errorf("ParseFormat(%q) = %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"xml", "", "pdf", "yaml"} {
		_, err := report.ParseFormat(in)
		if err == nil || !strings.Contains(err.Error(), "table, json, html, sarif, junit, markdown") || !strings.Contains(err.Error(), fmt.Sprintf("%q", in)) {
			t.Errorf("ParseFormat(%q) error = %v, want one naming it and the valid formats", in, err)
		}
	}
	for _, in := range []string{"sarif", "HTML", "junit", "markdown"} {
		if _, err := report.ParseFormat(in); err != nil {
			t.Errorf("ParseFormat(%q): %v", in, err)
		}
	}
	rep := testReport(t)
	if err := report.Write(&bytes.Buffer{}, rep, "pdf", report.Options{}); err == nil {
		t.Errorf("Write accepted an unimplemented format")
	}
	if err := report.Write(&bytes.Buffer{}, nil, report.JSON, report.Options{}); err == nil {
		t.Errorf("Write accepted a nil report")
	}
}

// failingWriter fails every write after the first `after`; writes counts the calls.
type failingWriter struct{ after, writes int }

func (f *failingWriter) Write(p []byte) (int, error) {
	f.writes++
	if f.writes > f.after {
		return 0, errors.New("disk full")
	}
	return len(p), nil
}

// TestWriteErrors fails the writer at every write a render makes, and expects the error back
// each time.
func TestWriteErrors(t *testing.T) {
	rep := testReport(t)
	check := func(name string, write func(w *failingWriter) error) {
		ok := &failingWriter{after: 1 << 30}
		if err := write(ok); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for after := 0; after < ok.writes; after++ {
			if err := write(&failingWriter{after: after}); err == nil {
				t.Errorf("%s: the write error at write %d of %d was not returned", name, after+1, ok.writes)
			}
		}
	}
	for _, f := range report.Formats {
		check(string(f), func(w *failingWriter) error { return report.Write(w, rep, f, report.Options{}) })
	}
	for _, f := range report.CatalogFormats {
		check("catalog "+string(f), func(w *failingWriter) error { return report.WriteCatalog(w, catalog(), f) })
	}
}

// TestTableEndsWithNewline: the report is followed on the terminal by the exit message and
// the prompt, which must start on a line of their own.
func TestTableEndsWithNewline(t *testing.T) {
	var buf bytes.Buffer
	if err := report.Write(&buf, checks.Run(snapshot.New(), nil, checks.Selection{}), report.Table, report.Options{}); err != nil {
		t.Fatal(err)
	}
	if out := buf.String(); !strings.HasSuffix(out, "┘\n") || strings.HasSuffix(out, "\n\n") {
		t.Fatalf("table report ends with %q, want the summary table's last line and a newline", out[max(0, len(out)-20):])
	}
}
