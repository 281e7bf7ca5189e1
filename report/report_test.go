package report_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mattn/go-runewidth"

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
		// identity
		"Cluster   https://cp.example.test:6443 · kubeadm · v1.33.1 · uid 7d1c-uid",
		"collected 2025-06-01T12:30:00Z", "kubeposture v0.1.0-test", "Selected  frameworks all",
		// scores: scope, score, FAIL, WARN, PASS, NOT_EVALUATED
		"Score  FAIL  WARN  PASS  NOT_EVALUATED",
		// listing: FAIL and WARN, most severe first, count and first resources
		"FAIL, WARN controls, most severe first: 3",
		"SEVERITY  STATUS  CONTROL",
		"1  Component/kube-system/kube-apiserver-cp-1",
		"15  Pod/shop/pod-00, Pod/shop/pod-01, Pod/shop/pod-02, …",
		"1  Service/shop/web",
		// the rest in one line, the NOT_EVALUATED by the permission they need
		"Not listed: 1 passed · 1 not evaluated (1 need `get nodes/proxy`)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q", want)
		}
	}
	for _, row := range [][]string{
		{"layer", "control-plane", "50.0", "1", "0", "1", "0"},
		{"layer", "node", "n/a", "0", "0", "0", "1"},
		{"framework", "nsa", "25.0", "1", "1", "0", "0"},
		{"total", "37.5", "2", "1", "1", "1"},
		{"critical", "FAIL", "TEST-CP-FAIL", "Title", "of", "TEST-CP-FAIL", "1", "Component/kube-system/kube-apiserver-cp-1"},
	} {
		if !containsFields(out, row...) {
			t.Errorf("no line %q", row)
		}
	}
	for _, absent := range []string{"pod-03", "TEST-CP-PASS", "TEST-NODE-NE", "\x1b["} {
		if strings.Contains(out, absent) {
			t.Errorf("table contains %q", absent)
		}
	}
	order := []string{"Cluster ", "Score =", "layer control-plane", "layer node", "layer workload", "layer network",
		"framework cis-1.12", "framework pss-baseline", "framework nsa", "total",
		"TEST-CP-FAIL", "TEST-WL-MANY", "TEST-NET-WARN", "Not listed"}
	last := -1
	for _, s := range order {
		i := strings.Index(out, s)
		if i <= last {
			t.Errorf("%q is out of order (at %d, previous at %d)", s, i, last)
		}
		last = max(last, i)
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

// containsFields reports whether some line has exactly these space-separated fields.
func containsFields(out string, fields ...string) bool {
	for _, line := range strings.Split(out, "\n") {
		if reflect.DeepEqual(strings.Fields(line), fields) {
			return true
		}
	}
	return false
}

// TestTableListing: the listing options pick the statuses and severities, cap the rows,
// print the scores only, or the evidence too; the statuses are the report's own.
func TestTableListing(t *testing.T) {
	rep := testReport(t)
	all := render(t, rep, report.Table, report.Options{Statuses: checks.Statuses})
	for _, id := range []string{"TEST-CP-PASS", "TEST-CP-FAIL", "TEST-WL-MANY", "TEST-NET-WARN", "TEST-NODE-NE"} {
		if !strings.Contains(all, id) {
			t.Errorf("all statuses: %s not listed", id)
		}
	}
	if strings.Contains(all, "Not listed") {
		t.Errorf("all statuses: a line of controls not listed")
	}
	if !regexp.MustCompile(`NOT_EVALUATED +TEST-NODE-NE +Title of TEST-NODE-NE +nodes/proxy: forbidden`).MatchString(all) {
		t.Errorf("a NOT_EVALUATED control's row does not give its reason:\n%s", all)
	}

	high := render(t, rep, report.Table, report.Options{MinSeverity: checks.High})
	if strings.Contains(high, "TEST-NET-WARN") || !strings.Contains(high, "TEST-WL-MANY") ||
		!strings.Contains(high, "Not listed: 1 below high (1 medium WARN) · 1 passed") {
		t.Errorf("MinSeverity high:\n%s", high)
	}

	capped := render(t, rep, report.Table, report.Options{MaxControls: 1})
	if !strings.Contains(capped, "TEST-CP-FAIL") || strings.Contains(capped, "TEST-WL-MANY") ||
		!strings.Contains(capped, "… and 2 more: 1 high FAIL, 1 medium WARN (--max-controls -1 lists all)") {
		t.Errorf("MaxControls 1:\n%s", capped)
	}

	summary := render(t, rep, report.Table, report.Options{SummaryOnly: true})
	if strings.Contains(summary, "TEST-CP-FAIL") || !strings.Contains(summary, "total") {
		t.Errorf("SummaryOnly:\n%s", summary)
	}

	details := render(t, rep, report.Table, report.Options{Details: true, MaxResources: 3})
	for _, want := range []string{"TEST-CP-FAIL [FAIL, critical] Title of TEST-CP-FAIL", "expected: --anonymous-auth=false",
		"- FAIL Pod/shop/pod-02", "… and 12 more (see --format json)"} {
		if !strings.Contains(details, want) {
			t.Errorf("Details lacks %q", want)
		}
	}
	if strings.Contains(details, "pod-03") {
		t.Errorf("Details lists a resource past MaxResources")
	}
}

// TestTableColorAndWidth: colour only when asked; lines within the width.
func TestTableColorAndWidth(t *testing.T) {
	rep := testReport(t)
	out := render(t, rep, report.Table, report.Options{Color: true, Width: 80})
	if !strings.Contains(out, "\x1b[") {
		t.Errorf("Color: no ANSI sequence")
	}
	for _, line := range strings.Split(out, "\n") {
		plain := regexp.MustCompile("\x1b\\[[0-9;]*m").ReplaceAllString(line, "")
		if w := runewidth.StringWidth(plain); w > 80 {
			t.Errorf("line of %d cells at width 80: %q", w, plain)
		}
	}
}

func TestTableEmptyAndUnknown(t *testing.T) {
	empty := checks.Run(testSnapshot(), nil, checks.Selection{})
	out := render(t, empty, report.Table, report.Options{})
	for _, want := range []string{"most severe first: 0", "  none", "total"} {
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
	if !strings.Contains(out, "TEST-ODD") || !strings.Contains(out, "layer kernel") {
		t.Errorf("unknown layer missing:\n%s", out)
	}
	if i, j := strings.Index(out, "layer control-plane"), strings.Index(out, "layer kernel"); i < 0 || j < i {
		t.Errorf("unknown layer not rendered after the known ones:\n%s", out)
	}
	// A status this version does not know (a newer report's) is counted, not dropped.
	odd.Controls[1].Status = "FUTURE"
	if out = render(t, odd, report.Table, report.Options{}); !strings.Contains(out, "· 1 FUTURE") && !strings.Contains(out, ": 1 FUTURE") {
		t.Errorf("unknown status not counted:\n%s", out)
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
	if out := buf.String(); !strings.HasSuffix(out, "\n") || strings.HasSuffix(out, "\n\n") {
		t.Fatalf("table report ends with %q, want one newline", out[max(0, len(out)-20):])
	}
}
