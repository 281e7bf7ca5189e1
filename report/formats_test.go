package report_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"flag"
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/kubeposture/kubeposture/checks"
	_ "github.com/kubeposture/kubeposture/checks/builtin"
	"github.com/kubeposture/kubeposture/internal/synth"
	"github.com/kubeposture/kubeposture/report"
	"github.com/kubeposture/kubeposture/snapshot"
	"github.com/kubeposture/kubeposture/snapshot/snapfile"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden from the current output")

// goldenTime replaces the report's generatedAt, the only value that changes between runs.
var goldenTime = time.Date(2025, 6, 1, 13, 0, 0, 0, time.UTC)

var goldenExt = map[report.Format]string{
	report.Table: "txt", report.JSON: "json", report.HTML: "html", report.SARIF: "sarif",
	report.JUnit: "xml", report.Markdown: "md", report.OSCAL: "oscal.json",
}

// TestGolden compares every format's rendering of the test report with testdata/golden.
// Regenerate with `go test ./report -run TestGolden -update`, then review the diff by eye.
func TestGolden(t *testing.T) {
	rep := testReport(t)
	rep.GeneratedAt = goldenTime
	for _, f := range report.Formats {
		t.Run(string(f), func(t *testing.T) {
			got := render(t, rep, f, report.Options{})
			path := filepath.Join("testdata", "golden", "report."+goldenExt[f])
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (create it with -update)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs from %s (if the change is intended, run with -update and review the diff):\n%s",
					f, path, firstDiff(string(want), got))
			}
		})
	}
	if _, ok := goldenExt[report.Format("x")]; len(goldenExt) != len(report.Formats) || ok {
		t.Errorf("goldenExt does not cover exactly report.Formats")
	}
}

func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return "line " + itoa(i+1) + ":\nwant " + w + "\ngot  " + g
		}
	}
	return "(no line differs)"
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

var (
	schemaOnce sync.Once
	sarifSch   *jsonschema.Schema
	schemaErr  error
)

// validateSARIF fails the test unless doc is valid against the official SARIF 2.1.0 schema
// kept in testdata (copied from the OASIS repository).
func validateSARIF(t *testing.T, doc []byte) {
	t.Helper()
	if err := sarifSchemaError(doc); err != nil {
		t.Fatal(err)
	}
}

func sarifSchemaError(doc []byte) error {
	schemaOnce.Do(func() {
		f, err := os.Open(filepath.Join("testdata", "sarif-schema-2.1.0.json"))
		if err != nil {
			schemaErr = err
			return
		}
		defer f.Close()
		s, err := jsonschema.UnmarshalJSON(f)
		if err != nil {
			schemaErr = err
			return
		}
		c := jsonschema.NewCompiler()
		if schemaErr = c.AddResource("sarif-schema-2.1.0.json", s); schemaErr != nil {
			return
		}
		sarifSch, schemaErr = c.Compile("sarif-schema-2.1.0.json")
	})
	if schemaErr != nil {
		return fmt.Errorf("SARIF schema: %w", schemaErr)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return fmt.Errorf("SARIF is not JSON: %w", err)
	}
	if err := sarifSch.Validate(inst); err != nil {
		return fmt.Errorf("SARIF does not validate against the 2.1.0 schema: %w", err)
	}
	return nil
}

// sarifLog is the part of a SARIF log the tests read.
type sarifLog struct {
	Version string `json:"version"`
	Runs    []struct {
		Tool struct {
			Driver struct {
				Name  string `json:"name"`
				Rules []struct {
					ID   string `json:"id"`
					Help struct {
						Text     string `json:"text"`
						Markdown string `json:"markdown"`
					} `json:"help"`
					Properties struct {
						Tags             []string `json:"tags"`
						SecuritySeverity string   `json:"security-severity"`
					} `json:"properties"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Results []struct {
			RuleID              string            `json:"ruleId"`
			RuleIndex           int               `json:"ruleIndex"`
			Level               string            `json:"level"`
			PartialFingerprints map[string]string `json:"partialFingerprints"`
			Locations           []struct {
				LogicalLocations []struct {
					FullyQualifiedName string `json:"fullyQualifiedName"`
					Kind               string `json:"kind"`
				} `json:"logicalLocations"`
			} `json:"locations"`
		} `json:"results"`
	} `json:"runs"`
}

func TestSARIF(t *testing.T) {
	rep := testReport(t)
	out := render(t, rep, report.SARIF, report.Options{})
	validateSARIF(t, []byte(out))
	var log sarifLog
	if err := json.Unmarshal([]byte(out), &log); err != nil {
		t.Fatal(err)
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 {
		t.Fatalf("version %q, %d runs", log.Version, len(log.Runs))
	}
	run := log.Runs[0]
	// One rule per control, with help text and framework tags.
	if len(run.Tool.Driver.Rules) != len(rep.Controls) {
		t.Errorf("%d rules for %d controls", len(run.Tool.Driver.Rules), len(rep.Controls))
	}
	tags := map[string][]string{}
	for i, r := range run.Tool.Driver.Rules {
		if r.ID != rep.Controls[i].ID || !strings.Contains(r.Help.Text, "How to fix "+r.ID) || !strings.Contains(r.Help.Markdown, "**Remediation.**") {
			t.Errorf("rule %d: id %q, help %q", i, r.ID, r.Help.Text)
		}
		tags[r.ID] = r.Properties.Tags
	}
	for id, want := range map[string][]string{"TEST-CP-FAIL": {"CIS-1.2.1", "NSA-C-0005", "security"}, "TEST-WL-MANY": {"PSS-baseline", "PSS-privileged"}} {
		for _, w := range want {
			if !strings.Contains(strings.Join(tags[id], " "), w) {
				t.Errorf("rule %s tags %v lack %s", id, tags[id], w)
			}
		}
	}
	// One result per failing resource (1 + 15), none for WARN, PASS or NOT_EVALUATED.
	if len(run.Results) != 16 {
		t.Fatalf("%d results, want 16", len(run.Results))
	}
	seen := map[string]bool{}
	for _, r := range run.Results {
		if run.Tool.Driver.Rules[r.RuleIndex].ID != r.RuleID {
			t.Errorf("result %s: ruleIndex %d points at another rule", r.RuleID, r.RuleIndex)
		}
		fp := r.PartialFingerprints[report.FingerprintKey]
		if len(fp) != 64 || seen[fp] {
			t.Errorf("result %s: fingerprint %q missing or not unique", r.RuleID, fp)
		}
		seen[fp] = true
		if len(r.Locations) != 1 || len(r.Locations[0].LogicalLocations) != 1 || r.Locations[0].LogicalLocations[0].Kind != "resource" {
			t.Errorf("result %s: no logical location", r.RuleID)
		}
	}
	if got := run.Results[0]; got.RuleID != "TEST-CP-FAIL" || got.Level != "error" ||
		got.Locations[0].LogicalLocations[0].FullyQualifiedName != "Component/kube-system/kube-apiserver-cp-1" {
		t.Errorf("first result: %+v", got)
	}
	// Fingerprints are stable: a later scan of the same cluster gives the same ones, and
	// they depend on the cluster, control and resource only.
	again := testReport(t)
	again.GeneratedAt = again.GeneratedAt.Add(time.Hour)
	var log2 sarifLog
	if err := json.Unmarshal([]byte(render(t, again, report.SARIF, report.Options{})), &log2); err != nil {
		t.Fatal(err)
	}
	for i, r := range log2.Runs[0].Results {
		if r.PartialFingerprints[report.FingerprintKey] != run.Results[i].PartialFingerprints[report.FingerprintKey] {
			t.Errorf("fingerprint of result %d changed between runs", i)
		}
	}
	other := report.Fingerprint("another-cluster", "TEST-CP-FAIL", checks.Resource{Kind: "Component", Namespace: "kube-system", Name: "kube-apiserver-cp-1"})
	if seen[other] {
		t.Errorf("the fingerprint does not depend on the cluster")
	}
}

// TestSARIFValidates validates every kind of SARIF document the renderer emits: the test
// report, an empty one, the demo snapshot's and a synthetic cluster's.
func TestSARIFValidates(t *testing.T) {
	demo, err := snapfile.ReadFile("../examples/snapshots/demo.json")
	if err != nil {
		t.Fatal(err)
	}
	for name, rep := range map[string]*checks.Report{
		"test":    testReport(t),
		"empty":   checks.Run(snapshot.New(), nil, checks.Selection{}),
		"demo":    checks.Run(demo, checks.Registered(), checks.Selection{}),
		"synth":   checks.Run(synth.Snapshot(300), checks.Registered(), checks.Selection{}),
		"no-uid":  checks.Run(&snapshot.Snapshot{Resources: map[snapshot.Resource]snapshot.Collection{}}, testChecks(), checks.Selection{}),
		"node-ns": checks.Run(testSnapshot(), testChecks(), checks.Selection{Layers: []checks.Layer{checks.Node}}),
	} {
		t.Run(name, func(t *testing.T) {
			validateSARIF(t, []byte(render(t, rep, report.SARIF, report.Options{})))
		})
	}
	// And the validator does reject an invalid document, so that passing means something.
	bad := strings.Replace(render(t, testReport(t), report.SARIF, report.Options{}), `"level": "error"`, `"level": "severe"`, 1)
	if err := sarifSchemaError([]byte(bad)); err == nil {
		t.Errorf("an invalid SARIF level passed the schema validation")
	}
}

func TestJUnitParsesBack(t *testing.T) {
	rep := testReport(t)
	out := render(t, rep, report.JUnit, report.Options{})
	if !strings.HasPrefix(out, `<?xml version="1.0" encoding="UTF-8"?>`) {
		t.Errorf("no XML declaration")
	}
	var got report.JUnitSuites
	if err := xml.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("JUnit XML does not parse: %v", err)
	}
	// One suite per control, one case per result.
	if len(got.Suites) != 5 {
		t.Fatalf("%d suites, want 5", len(got.Suites))
	}
	cases, failures, skipped := 0, 0, 0
	byName := map[string]report.JUnitCase{}
	for _, s := range got.Suites {
		for _, c := range s.Cases {
			cases++
			if c.Failure != nil {
				failures++
			}
			if c.Skipped != nil {
				skipped++
			}
			byName[c.Classname+" "+c.Name] = c
		}
		if s.Tests != len(s.Cases) {
			t.Errorf("suite %s: tests=%d for %d cases", s.Name, s.Tests, len(s.Cases))
		}
	}
	if cases != 22 || failures != 16 || skipped != 1 || got.Tests != 22 || got.Failures != 16 || got.Skipped != 1 {
		t.Errorf("cases %d failures %d skipped %d (totals %d/%d/%d), want 22/16/1", cases, failures, skipped, got.Tests, got.Failures, got.Skipped)
	}
	fail := byName["kubeposture.TEST-CP-FAIL Component/kube-system/kube-apiserver-cp-1"]
	if fail.Failure == nil || !strings.Contains(fail.Failure.Text, "expected: --anonymous-auth=false") || !strings.Contains(fail.Failure.Text, "How to fix TEST-CP-FAIL") {
		t.Errorf("failure case: %+v", fail)
	}
	ne := byName["kubeposture.TEST-NODE-NE Cluster"]
	if ne.Skipped == nil || !strings.Contains(ne.Skipped.Message, "NOT_EVALUATED: nodes/proxy: forbidden") {
		t.Errorf("not-evaluated case: %+v", ne)
	}
	if w := byName["kubeposture.TEST-NET-WARN Service/shop/web"]; w.Failure != nil || w.Skipped != nil || !strings.Contains(w.SystemOut, "WARN") {
		t.Errorf("warning case: %+v", w)
	}
}

func TestMarkdown(t *testing.T) {
	rep := testReport(t)
	out := render(t, rep, report.Markdown, report.Options{MaxResources: 3})
	for _, want := range []string{
		"## kubeposture audit: https://cp.example.test:6443",
		"**Score 37.5** over 4 evaluated controls; 2 FAIL, 1 WARN, 1 NOT_EVALUATED, 1 PASS.",
		"| count | 1 | 15 | 0 | 0 | 0 |",
		"| **total** | 5 | 1 | 2 | 1 | 1 | 37.5 |",
		"| TEST-CP-FAIL | FAIL | critical |",
		"<details><summary>TEST-WL-MANY FAIL: Title of TEST-WL-MANY</summary>",
		"- FAIL `Pod/shop/pod-02`: observed `privileged=true`, expected `privileged unset or false`",
		"- … and 12 more",
		"### Not collected",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("markdown lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "pod-03") || strings.Contains(out, "TEST-CP-PASS") {
		t.Errorf("markdown lists a resource past MaxResources or a passing control")
	}
	// A large report still fits a pull-request comment (GitHub: 65,536 characters).
	big := checks.Run(synth.Snapshot(5000), checks.Registered(), checks.Selection{})
	bigOut := render(t, big, report.Markdown, report.Options{MaxResources: -1})
	if n := len([]rune(bigOut)); n > 65_536 {
		t.Errorf("the markdown summary of %d controls is %d characters, more than a comment holds", len(big.Controls), n)
	}
	if !strings.Contains(bigOut, "more failing or warning controls are detailed in the HTML or JSON report") {
		t.Errorf("the cut in a large summary is not said")
	}
}

// TestJSONStreamsSameBytes: the streaming writer emits exactly what encoding the whole report
// at once did, so docs/report-json.md and saved reports stay valid.
func TestJSONStreamsSameBytes(t *testing.T) {
	demo, err := snapfile.ReadFile("../examples/snapshots/demo.json")
	if err != nil {
		t.Fatal(err)
	}
	for name, rep := range map[string]*checks.Report{
		"test":  testReport(t),
		"empty": checks.Run(snapshot.New(), nil, checks.Selection{}),
		"demo":  checks.Run(demo, checks.Registered(), checks.Selection{}),
		"synth": checks.Run(synth.Snapshot(500), checks.Registered(), checks.Selection{Namespaces: []string{"ns-0001"}}),
		"html":  checks.Run(testSnapshot(), []checks.Check{{Control: control("<&>", checks.Network, checks.Low, checks.References{}), Evaluate: fixed(checks.Result{Status: checks.Fail, Resource: checks.Resource{Kind: "Service", Name: "<b>&"}})}}, checks.Selection{}),
	} {
		t.Run(name, func(t *testing.T) {
			want := wholeJSON(t, rep)
			got := render(t, rep, report.JSON, report.Options{})
			if got != want {
				t.Errorf("streamed JSON differs from the whole-report encoding:\n%s", firstDiff(want, got))
			}
			back, err := report.ReadJSON(strings.NewReader(got))
			if err != nil {
				t.Fatal(err)
			}
			if again := render(t, back, report.JSON, report.Options{}); again != got {
				t.Errorf("JSON → ReadJSON → JSON changes the bytes:\n%s", firstDiff(got, again))
			}
		})
	}
}

// wholeJSON is the previous writer: the report encoded in one piece.
func wholeJSON(t testing.TB, rep *checks.Report) string {
	out := *rep
	if out.Controls == nil {
		out.Controls = []checks.ControlReport{}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(&out); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestReadJSONRejects(t *testing.T) {
	for in, want := range map[string]string{
		``:                              "not a kubeposture JSON report",
		`{"schemaVersion": "other/v9"}`: `schemaVersion is "other/v9"`,
		`[1,2]`:                         "not a kubeposture JSON report",
		`{"schemaVersion": 1}`:          "not a kubeposture JSON report",
		`{"schemaVersion":"kubeposture.io/report/v1alpha1"} {}`: "more than one JSON value",
	} {
		if _, err := report.ReadJSON(strings.NewReader(in)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ReadJSON(%q) = %v, want an error containing %q", in, err, want)
		}
	}
}

// FuzzReadJSON: a saved report is untrusted input; reading it must not panic, and whatever
// it accepts must render in every format.
func FuzzReadJSON(f *testing.F) {
	f.Add([]byte(`{"schemaVersion":"kubeposture.io/report/v1alpha1","controls":[{"id":"X","status":"FAIL","results":[{"status":"FAIL","resource":{"kind":"Pod","name":"p"}}]}]}`))
	f.Add([]byte(`{"schemaVersion":"kubeposture.io/report/v1alpha1","summary":{"total":{"score":-1}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		rep, err := report.ReadJSON(bytes.NewReader(data))
		if err != nil {
			return
		}
		for _, fm := range report.Formats {
			if err := report.Write(&bytes.Buffer{}, rep, fm, report.Options{}); err != nil {
				t.Fatalf("%s: %v", fm, err)
			}
		}
	})
}

// TestHTMLSelfContained: no element of the page refers to another file or host, so that it
// opens air-gapped (the browser test also checks that it loads nothing).
func TestHTMLSelfContained(t *testing.T) {
	out := render(t, testReport(t), report.HTML, report.Options{})
	for _, re := range []string{`(?i)<(script|link|img|iframe|object|embed)[^>]*\b(src|href|data)\s*=`, `(?i)url\(`, `(?i)@import`, `(?i)<link\b`} {
		if m := regexp.MustCompile(re).FindString(out); m != "" {
			t.Errorf("the HTML refers to an outside resource: %q", m)
		}
	}
	if !strings.Contains(out, "<style>") || !strings.Contains(out, "<script>") || !strings.Contains(out, "<svg") {
		t.Errorf("the HTML lacks its inline style, script or charts")
	}
}

// TestSARIFResultsCompact: the fast path that writes results gives the bytes of the generic
// one (go-sarif's encoding with its defaults dropped) on every result of the demo report.
func TestSARIFResultsCompact(t *testing.T) {
	demo, err := snapfile.ReadFile("../examples/snapshots/demo.json")
	if err != nil {
		t.Fatal(err)
	}
	rep := checks.Run(demo, checks.Registered(), checks.Selection{})
	n := report.CheckCompactResults(t, rep)
	if n == 0 {
		t.Fatal("the demo report has no failing result to compare")
	}
}

// TestWrapHTML: the wrapping points, and escaping as html/template's text escaping does.
func TestWrapHTML(t *testing.T) {
	for in, want := range map[string]string{
		"spec.template.spec.containers[0]":     "spec.<wbr>template.<wbr>spec.<wbr>containers[0]",
		"ClusterRoleBinding/admin-tool":        "Cluster<wbr>Role<wbr>Binding/<wbr>admin-tool",
		"v1.33.1 and 10.0.0.1":                 "v1.33.1 and 10.0.0.1",
		"a=b,c:d; e https://x":                 "a=<wbr>b,<wbr>c:<wbr>d; e https://<wbr>x",
		`<b>"it's" & more</b>` + "\x00":        "&lt;b&gt;&#34;it&#39;s&#34; &amp; more&lt;/<wbr>b&gt;\uFFFD",
		"TLS_ECDHE_RSA":                        "TLS_<wbr>ECDHE_<wbr>RSA",
		"sha256:" + strings.Repeat("ab12", 16): "sha256:<wbr>" + strings.Repeat("ab12", 6) + "<wbr>" + strings.Repeat("ab12", 6) + "<wbr>" + strings.Repeat("ab12", 4),
		"":                                     "",
	} {
		if got := string(report.WrapHTML(in)); got != want {
			t.Errorf("wrapHTML(%q) = %q, want %q", in, got, want)
		}
	}
	// Without the <wbr>, the text is what html/template would write.
	for _, in := range []string{`<a href="x">'&'</a>`, "\x00\xff ünï", "plain", "a+b"} {
		var b strings.Builder
		if err := template.Must(template.New("").Parse(`{{.}}`)).Execute(&b, in); err != nil {
			t.Fatal(err)
		}
		if got := strings.ReplaceAll(string(report.WrapHTML(in)), "<wbr>", ""); got != b.String() {
			t.Errorf("wrapHTML(%q) escapes to %q, html/template to %q", in, got, b.String())
		}
	}
}
