package report_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/internal/synth"
	"github.com/kubeposture/kubeposture/report"
	"github.com/kubeposture/kubeposture/report/schematest"
	"github.com/kubeposture/kubeposture/snapshot"
	"github.com/kubeposture/kubeposture/snapshot/snapfile"
)

// oscalSchemaError validates doc against NIST's OSCAL 1.0.6 Assessment Results JSON schema
// kept in testdata.
func oscalSchemaError(doc []byte) error {
	return schematest.ValidateOSCAL(filepath.Join("testdata", "oscal-assessment-results-1.0.6.schema.json"), doc)
}

func validateOSCAL(t *testing.T, doc []byte) {
	t.Helper()
	if err := oscalSchemaError(doc); err != nil {
		t.Fatal(err)
	}
}

// oscalDoc is the part of an OSCAL assessment-results document the tests read.
type oscalDoc struct {
	AR struct {
		UUID     string `json:"uuid"`
		Metadata struct {
			OSCALVersion string      `json:"oscal-version"`
			Props        []oscalProp `json:"props"`
		} `json:"metadata"`
		ImportAP struct {
			Href string `json:"href"`
		} `json:"import-ap"`
		Results []struct {
			UUID             string `json:"uuid"`
			Start            string `json:"start"`
			End              string `json:"end"`
			LocalDefinitions struct {
				Components []struct {
					UUID  string      `json:"uuid"`
					Type  string      `json:"type"`
					Props []oscalProp `json:"props"`
				} `json:"components"`
				AssessmentAssets struct {
					Components []struct {
						UUID  string      `json:"uuid"`
						Title string      `json:"title"`
						Props []oscalProp `json:"props"`
					} `json:"components"`
				} `json:"assessment-assets"`
			} `json:"local-definitions"`
			ReviewedControls struct {
				ControlSelections []struct {
					Props           []oscalProp `json:"props"`
					IncludeControls []struct {
						ControlID string `json:"control-id"`
					} `json:"include-controls"`
				} `json:"control-selections"`
			} `json:"reviewed-controls"`
			Observations []struct {
				UUID     string      `json:"uuid"`
				Props    []oscalProp `json:"props"`
				Methods  []string    `json:"methods"`
				Subjects []struct {
					SubjectUUID string `json:"subject-uuid"`
				} `json:"subjects"`
				Origins []struct {
					Actors []struct {
						Type      string `json:"type"`
						ActorUUID string `json:"actor-uuid"`
					} `json:"actors"`
				} `json:"origins"`
				RelevantEvidence []struct {
					Href        string      `json:"href"`
					Description string      `json:"description"`
					Props       []oscalProp `json:"props"`
				} `json:"relevant-evidence"`
				Collected string `json:"collected"`
				Remarks   string `json:"remarks"`
			} `json:"observations"`
			Findings []struct {
				UUID   string      `json:"uuid"`
				Props  []oscalProp `json:"props"`
				Target struct {
					TargetID string `json:"target-id"`
					Status   struct {
						State   string `json:"state"`
						Reason  string `json:"reason"`
						Remarks string `json:"remarks"`
					} `json:"status"`
					ImplementationStatus *struct {
						State string `json:"state"`
					} `json:"implementation-status"`
				} `json:"target"`
				RelatedObservations []struct {
					ObservationUUID string `json:"observation-uuid"`
				} `json:"related-observations"`
			} `json:"findings"`
		} `json:"results"`
		BackMatter struct {
			Resources []struct {
				UUID string `json:"uuid"`
			} `json:"resources"`
		} `json:"back-matter"`
	} `json:"assessment-results"`
}

type oscalProp struct {
	Name  string `json:"name"`
	NS    string `json:"ns"`
	Value string `json:"value"`
}

func prop(ps []oscalProp, name string) string {
	for _, p := range ps {
		if p.Name == name {
			return p.Value
		}
	}
	return ""
}

func parseOSCAL(t *testing.T, out string) oscalDoc {
	t.Helper()
	var d oscalDoc
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatal(err)
	}
	if len(d.AR.Results) != 1 {
		t.Fatalf("%d results, want one per scan", len(d.AR.Results))
	}
	return d
}

// TestOSCALValidates validates every kind of document the renderer emits against the official
// schema, and shows that the validator rejects invalid ones, so that passing means something.
func TestOSCALValidates(t *testing.T) {
	demo, err := snapfile.ReadFile("../examples/snapshots/demo.json")
	if err != nil {
		t.Fatal(err)
	}
	excepted := testReport(t)
	excepted.Controls[1].Status = checks.Excepted
	excepted.Controls[1].Results[0].Status = checks.Excepted
	excepted.Controls[1].Results[0].Exception = &checks.AppliedException{Status: checks.Fail,
		Exception: checks.Exception{Reason: "legacy\nsystem ", Owner: "team-a", Expires: "2030-01-01"}}
	for name, rep := range map[string]*checks.Report{
		"test":     testReport(t),
		"excepted": excepted,
		"empty":    checks.Run(snapshot.New(), nil, checks.Selection{}),
		"demo":     checks.Run(demo, checks.Registered(), checks.Selection{}),
		"cis-only": checks.Run(demo, checks.Registered(), checks.Selection{Frameworks: []checks.Framework{checks.CIS}}),
		"synth":    checks.Run(synth.Snapshot(300), checks.Registered(), checks.Selection{}),
		"no-uid":   checks.Run(&snapshot.Snapshot{Resources: map[snapshot.Resource]snapshot.Collection{}}, testChecks(), checks.Selection{}),
		"odd-ids": checks.Run(testSnapshot(), []checks.Check{{Control: control("1 <&> x", checks.Network, checks.Low, checks.References{CIS: []string{"9.9"}, NSA: []string{"0 bad id"}}),
			Evaluate: fixed(checks.Result{Status: checks.Fail, Resource: checks.Resource{Kind: "Service", Name: " <b>& \n"},
				Evidence: checks.Evidence{Observed: "  two\nlines  ", Expected: "`code`", Where: "\t"}})}}, checks.Selection{}),
	} {
		t.Run(name, func(t *testing.T) {
			validateOSCAL(t, []byte(render(t, rep, report.OSCAL, report.Options{})))
		})
	}

	good := render(t, testReport(t), report.OSCAL, report.Options{})
	for _, tc := range []struct{ name, old, new string }{
		{"a state outside satisfied and not-satisfied", `"state": "not-satisfied"`, `"state": "not-assessed"`},
		{"a uuid that is not v4 or v5", `"uuid": "`, `"uuid": "0`},
		{"an observation method left out", `"methods": [`, `"method": [`},
		{"a time without a zone", `"start": "2025-06-01T12:30:00Z"`, `"start": "2025-06-01T12:30:00"`},
		{"a property value on two lines", `"value": "kubeposture"`, `"value": "kube\nposture"`},
		{"a control id that is not a token", `"control-id": "CIS-1.2.1"`, `"control-id": "1.2.1"`},
		{"an unknown field", `"import-ap": {`, `"import-ap": {"plan": 1,`},
		// Checked through one of the anchors liftIDRefs makes resolvable.
		{"an empty OSCAL version", `"oscal-version": "1.0.6"`, `"oscal-version": ""`},
	} {
		bad := strings.Replace(good, tc.old, tc.new, 1)
		if bad == good {
			t.Fatalf("%s: %q is not in the document", tc.name, tc.old)
		}
		if err := oscalSchemaError([]byte(bad)); err == nil {
			t.Errorf("%s passed the schema validation", tc.name)
		}
	}
}

func TestOSCAL(t *testing.T) {
	rep := testReport(t)
	rep.GeneratedAt = goldenTime
	out := render(t, rep, report.OSCAL, report.Options{})
	d := parseOSCAL(t, out)
	ar := d.AR
	res := ar.Results[0]
	if ar.Metadata.OSCALVersion != "1.0.6" || prop(ar.Metadata.Props, "tool") != "kubeposture" || prop(ar.Metadata.Props, "tool-version") != "v0.1.0-test" {
		t.Errorf("metadata: %+v", ar.Metadata)
	}
	if res.Start != "2025-06-01T12:30:00Z" || res.End != "2025-06-01T13:00:00Z" {
		t.Errorf("result from %s to %s, want the collection and the report's times", res.Start, res.End)
	}
	if len(ar.BackMatter.Resources) != 1 || ar.ImportAP.Href != "#"+ar.BackMatter.Resources[0].UUID {
		t.Errorf("import-ap %q does not point at the back matter's selection", ar.ImportAP.Href)
	}

	// The cluster is the subject of every observation; the tool is their origin.
	cl := res.LocalDefinitions.Components
	tool := res.LocalDefinitions.AssessmentAssets.Components
	if len(cl) != 1 || cl[0].Type != "this-system" || prop(cl[0].Props, "cluster-uid") != "7d1c-uid" ||
		len(tool) != 1 || tool[0].Title != "kubeposture" || prop(tool[0].Props, "version") != "v0.1.0-test" {
		t.Fatalf("components %+v, tools %+v", cl, tool)
	}

	// Reviewed controls: kubeposture's, then each framework's items.
	selected := map[string][]string{}
	for _, s := range res.ReviewedControls.ControlSelections {
		for _, c := range s.IncludeControls {
			selected[prop(s.Props, "framework")] = append(selected[prop(s.Props, "framework")], c.ControlID)
		}
	}
	for fw, want := range map[string]string{
		"kubeposture":    "TEST-CP-PASS TEST-CP-FAIL TEST-NODE-NE TEST-WL-MANY TEST-NET-WARN",
		"cis-1.12":       "CIS-1.2.1 CIS-1.2.2 CIS-4.2.1",
		"pss-baseline":   "privileged",
		"pss-restricted": "privileged",
		"nsa":            "C-0005 C-0260",
	} {
		if got := strings.Join(selected[fw], " "); got != want {
			t.Errorf("reviewed controls of %s: %q, want %q", fw, got, want)
		}
	}

	// An observation per result, with its evidence.
	if len(res.Observations) != 22 {
		t.Fatalf("%d observations for 22 results", len(res.Observations))
	}
	uuids := map[string]bool{ar.UUID: true, res.UUID: true}
	for _, o := range res.Observations {
		if uuids[o.UUID] {
			t.Errorf("uuid %s used twice", o.UUID)
		}
		uuids[o.UUID] = true
		if len(o.Subjects) != 1 || o.Subjects[0].SubjectUUID != cl[0].UUID || o.Origins[0].Actors[0].ActorUUID != tool[0].UUID ||
			o.Collected != "2025-06-01T12:30:00Z" || strings.Join(o.Methods, ",") != "EXAMINE" {
			t.Errorf("observation %s: subjects %+v, origins %+v, collected %s, methods %v", o.UUID, o.Subjects, o.Origins, o.Collected, o.Methods)
		}
	}
	fail := res.Observations[1]
	if prop(fail.Props, "control-id") != "TEST-CP-FAIL" || prop(fail.Props, "status") != "FAIL" || prop(fail.Props, "resource") != "Component/kube-system/kube-apiserver-cp-1" ||
		len(fail.RelevantEvidence) != 1 || prop(fail.RelevantEvidence[0].Props, "expected") != "--anonymous-auth=false" ||
		!strings.Contains(fail.RelevantEvidence[0].Description, "Observed: `--anonymous-auth absent (default true)`") {
		t.Errorf("failing observation: %+v", fail)
	}
	ne := res.Observations[2]
	if prop(ne.Props, "status") != "NOT_EVALUATED" || !strings.Contains(ne.Remarks, "nodes/proxy") {
		t.Errorf("not-evaluated observation: %+v", ne)
	}

	// A finding per control, its target status mapped from the control's.
	if len(res.Findings) != 5 {
		t.Fatalf("%d findings for 5 controls", len(res.Findings))
	}
	for i, want := range []struct{ id, state, reason, remarks string }{
		{"TEST-CP-PASS", "satisfied", "pass", "results: 1 PASS"},
		{"TEST-CP-FAIL", "not-satisfied", "fail", "results: 1 FAIL"},
		{"TEST-NODE-NE", "not-satisfied", "other", "Not assessed"},
		{"TEST-WL-MANY", "not-satisfied", "fail", "15 FAIL / 3 PASS"},
		{"TEST-NET-WARN", "not-satisfied", "other", "WARN"},
	} {
		f := res.Findings[i]
		if f.Target.TargetID != want.id || f.Target.Status.State != want.state || f.Target.Status.Reason != want.reason || !strings.Contains(f.Target.Status.Remarks, want.remarks) {
			t.Errorf("finding %d: %+v, want %+v", i, f.Target, want)
		}
		if uuids[f.UUID] {
			t.Errorf("uuid %s used twice", f.UUID)
		}
		uuids[f.UUID] = true
		for _, r := range f.RelatedObservations {
			if !uuids[r.ObservationUUID] {
				t.Errorf("finding %s refers to observation %s, which the result does not hold", want.id, r.ObservationUUID)
			}
		}
	}
	if n := len(res.Findings[3].RelatedObservations); n != 18 {
		t.Errorf("TEST-WL-MANY relates %d observations, want its 18 results", n)
	}
	if fw := res.Findings[1].Props; prop(fw, "cis-1.12") != "1.2.1" || prop(fw, "nsa") != "C-0005" || prop(fw, "severity") != "critical" {
		t.Errorf("TEST-CP-FAIL props %+v", fw)
	}
	if !strings.Contains(res.Findings[2].Target.Status.Remarks, `nodes/proxy: forbidden`) {
		t.Errorf("the not-evaluated finding does not say why: %q", res.Findings[2].Target.Status.Remarks)
	}
}

// TestOSCALStatuses: MANUAL is not assessed (not-satisfied, other), NOT_APPLICABLE is
// satisfied with the implementation status not-applicable, EXCEPTED is not-satisfied.
func TestOSCALStatuses(t *testing.T) {
	res := checks.Resource{Kind: "Cluster"}
	var cs []checks.Check
	for _, s := range []checks.Status{checks.Manual, checks.NotApplicable, checks.Excepted} {
		r := checks.Result{Status: s, Resource: res, Reason: "because " + string(s)}
		if s == checks.Excepted {
			r.Exception = &checks.AppliedException{Status: checks.Fail, Exception: checks.Exception{Reason: "accepted", Owner: "ops", Expires: "2031-01-01"}}
			r.Reason = ""
		}
		cs = append(cs, checks.Check{Control: control("X-"+string(s), checks.Network, checks.Low, checks.References{}), Evaluate: fixed(r)})
	}
	out := render(t, checks.Run(testSnapshot(), cs, checks.Selection{}), report.OSCAL, report.Options{})
	validateOSCAL(t, []byte(out))
	fs := parseOSCAL(t, out).AR.Results[0].Findings
	for i, want := range []struct{ state, reason, remarks, impl string }{
		{"not-satisfied", "other", "because MANUAL", ""},
		{"satisfied", "other", "because NOT_APPLICABLE", "not-applicable"},
		{"not-satisfied", "other", "accepted (owner ops", ""},
	} {
		f := fs[i].Target
		impl := ""
		if f.ImplementationStatus != nil {
			impl = f.ImplementationStatus.State
		}
		if f.Status.State != want.state || f.Status.Reason != want.reason || !strings.Contains(f.Status.Remarks, want.remarks) || impl != want.impl {
			t.Errorf("%s: %+v (implementation %q), want %+v", f.TargetID, f.Status, impl, want)
		}
	}
}

// TestOSCALStableUUIDs: a later scan of the same cluster keeps every finding's and
// observation's UUID, and gets a result of its own; another cluster gets other UUIDs.
func TestOSCALStableUUIDs(t *testing.T) {
	ids := func(rep *checks.Report) (result string, rest []string) {
		res := parseOSCAL(t, render(t, rep, report.OSCAL, report.Options{})).AR.Results[0]
		for _, o := range res.Observations {
			rest = append(rest, o.UUID)
		}
		for _, f := range res.Findings {
			rest = append(rest, f.UUID)
		}
		return res.UUID, rest
	}
	r1, first := ids(testReport(t))
	later := testSnapshot()
	later.CollectedAt = later.CollectedAt.Add(24 * time.Hour)
	r2, second := ids(checks.Run(later, testChecks(), checks.Selection{}))
	other := testSnapshot()
	other.Cluster.UID = "another-uid"
	_, third := ids(checks.Run(other, testChecks(), checks.Selection{}))
	if strings.Join(first, " ") != strings.Join(second, " ") {
		t.Errorf("a later scan of the same cluster changed the findings' or observations' UUIDs")
	}
	if r1 == r2 {
		t.Errorf("two scans share the result UUID %s", r1)
	}
	for i := range first {
		if first[i] == third[i] {
			t.Errorf("UUID %s does not depend on the cluster", first[i])
		}
	}
	v5 := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	for _, id := range append(first, r1) {
		if !v5.MatchString(id) {
			t.Errorf("%s is not a version 5 UUID", id)
		}
	}
}

// TestOSCALStreamsSameBytes: the streaming writer emits what encoding the whole document at
// once gives.
func TestOSCALStreamsSameBytes(t *testing.T) {
	demo, err := snapfile.ReadFile("../examples/snapshots/demo.json")
	if err != nil {
		t.Fatal(err)
	}
	for name, rep := range map[string]*checks.Report{
		"test":  testReport(t),
		"empty": checks.Run(snapshot.New(), nil, checks.Selection{}),
		"demo":  checks.Run(demo, checks.Registered(), checks.Selection{}),
	} {
		t.Run(name, func(t *testing.T) {
			want, err := report.OSCALWhole(rep)
			if err != nil {
				t.Fatal(err)
			}
			if got := render(t, rep, report.OSCAL, report.Options{}); got != string(want) {
				t.Errorf("streamed OSCAL differs from the whole-document encoding:\n%s", firstDiff(string(want), got))
			}
		})
	}
}

// TestOSCALManifestSource: an object read from a manifest file points at that file.
func TestOSCALManifestSource(t *testing.T) {
	rep := testReport(t)
	rep.Sources = map[string]string{"Pod/shop/pod-02": "deploy/my app.yaml"}
	out := render(t, rep, report.OSCAL, report.Options{})
	validateOSCAL(t, []byte(out))
	for _, o := range parseOSCAL(t, out).AR.Results[0].Observations {
		if prop(o.Props, "resource") == "Pod/shop/pod-02" {
			if len(o.RelevantEvidence) != 1 || o.RelevantEvidence[0].Href != "deploy/my%20app.yaml" {
				t.Errorf("evidence of pod-02: %+v", o.RelevantEvidence)
			}
			return
		}
	}
	t.Fatal("no observation of pod-02")
}

// TestOSCALSample: the sample in examples/reports, which compliance teams are pointed at,
// validates too.
func TestOSCALSample(t *testing.T) {
	doc, err := os.ReadFile("../examples/reports/demo.oscal.json")
	if err != nil {
		t.Fatal(err)
	}
	validateOSCAL(t, doc)
}

// TestOSCALSameResourceTwice: two results of one control about one resource are two
// observations with UUIDs of their own.
func TestOSCALSameResourceTwice(t *testing.T) {
	r := checks.Result{Status: checks.Fail, Resource: checks.Resource{Kind: "Pod", Namespace: "shop", Name: "web"}}
	out := render(t, checks.Run(testSnapshot(), []checks.Check{{Control: control("TWICE", checks.Workload, checks.High, checks.References{}), Evaluate: fixed(r, r, r)}}, checks.Selection{}), report.OSCAL, report.Options{})
	validateOSCAL(t, []byte(out))
	res := parseOSCAL(t, out).AR.Results[0]
	seen := map[string]bool{}
	for _, o := range res.Observations {
		seen[o.UUID] = true
	}
	if len(res.Observations) != 3 || len(seen) != 3 || len(res.Findings[0].RelatedObservations) != 3 {
		t.Errorf("%d observations, %d distinct UUIDs, %d related", len(res.Observations), len(seen), len(res.Findings[0].RelatedObservations))
	}
}
