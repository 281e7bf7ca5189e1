package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"strings"
	"time"
	"unicode"

	"github.com/google/uuid"

	"github.com/kubeposture/kubeposture/checks"
)

// The OSCAL format is a NIST OSCAL Assessment Results document (model version 1.0.6, the
// version whose JSON schema report/testdata holds) for compliance tooling: one result for
// the scan, an observation per control result with its evidence, a finding per control.
//
// A finding's target status is satisfied or not-satisfied: the 1.0.6 model closes that list
// (finding-target/status/@state), so a control kubeposture could not judge (NOT_EVALUATED)
// or that needs a person (MANUAL) is not-satisfied with the reason "other", which the model
// defines as "some other event took place that is not a pass or a fail", and the why in the
// status's remarks: not assessed is not passed. See docs/reading-a-report.md for the mapping
// of every status.
//
// UUIDs are version 5, derived from the cluster (its kube-system UID, else its server URL),
// the control and the resource, so that the same finding and observation keep their UUID
// from one scan of a cluster to the next; the document and its result are derived from the
// cluster and the scan's time.

// OSCALVersion is the OSCAL model version the document conforms to.
const OSCALVersion = "1.0.6"

// OSCALNamespace qualifies kubeposture's own property names: OSCAL reserves names without a
// namespace for its own vocabulary.
const OSCALNamespace = "https://kubeposture.io/ns/oscal"

// oscalSpace is the UUID v5 namespace of every UUID the document derives.
var oscalSpace = uuid.NewSHA1(uuid.NameSpaceURL, []byte(OSCALNamespace))

func oscalUUID(parts ...string) string {
	return uuid.NewSHA1(oscalSpace, []byte(strings.Join(parts, "\x00"))).String()
}

// The OSCAL types below are the part of the 1.0.6 Assessment Results model the document
// uses, field for field in the schema's order. No maintained Go module of the OSCAL types is
// on the module proxy this project builds from.
type (
	oscalDocument struct {
		AssessmentResults oscalAssessmentResults `json:"assessment-results"`
	}
	oscalAssessmentResults struct {
		UUID       string          `json:"uuid"`
		Metadata   oscalMetadata   `json:"metadata"`
		ImportAP   oscalImportAP   `json:"import-ap"`
		Results    []oscalResult   `json:"results"`
		BackMatter oscalBackMatter `json:"back-matter"`
	}
	oscalMetadata struct {
		Title        string      `json:"title"`
		LastModified string      `json:"last-modified"`
		Version      string      `json:"version"`
		OSCALVersion string      `json:"oscal-version"`
		Props        []oscalProp `json:"props,omitempty"`
	}
	oscalProp struct {
		Name  string `json:"name"`
		NS    string `json:"ns,omitempty"`
		Value string `json:"value"`
	}
	oscalImportAP struct {
		Href    string `json:"href"`
		Remarks string `json:"remarks,omitempty"`
	}
	// oscalResult's observations and findings come last: writeOSCAL streams them after the
	// rest of the result.
	oscalResult struct {
		UUID             string                `json:"uuid"`
		Title            string                `json:"title"`
		Description      string                `json:"description"`
		Start            string                `json:"start"`
		End              string                `json:"end,omitempty"`
		Props            []oscalProp           `json:"props,omitempty"`
		LocalDefinitions oscalLocalDefinitions `json:"local-definitions"`
		ReviewedControls oscalReviewedControls `json:"reviewed-controls"`
		Observations     []oscalObservation    `json:"observations,omitempty"`
		Findings         []oscalFinding        `json:"findings,omitempty"`
	}
	oscalLocalDefinitions struct {
		Components       []oscalComponent      `json:"components"`
		AssessmentAssets oscalAssessmentAssets `json:"assessment-assets"`
	}
	oscalComponent struct {
		UUID        string      `json:"uuid"`
		Type        string      `json:"type"`
		Title       string      `json:"title"`
		Description string      `json:"description"`
		Props       []oscalProp `json:"props,omitempty"`
		Status      oscalState  `json:"status"`
	}
	oscalState struct {
		State   string `json:"state"`
		Remarks string `json:"remarks,omitempty"`
	}
	oscalAssessmentAssets struct {
		Components          []oscalComponent          `json:"components"`
		AssessmentPlatforms []oscalAssessmentPlatform `json:"assessment-platforms"`
	}
	oscalAssessmentPlatform struct {
		UUID           string               `json:"uuid"`
		Title          string               `json:"title"`
		UsesComponents []oscalUsesComponent `json:"uses-components"`
	}
	oscalUsesComponent struct {
		ComponentUUID string `json:"component-uuid"`
	}
	oscalReviewedControls struct {
		Description       string                  `json:"description"`
		ControlSelections []oscalControlSelection `json:"control-selections"`
	}
	oscalControlSelection struct {
		Description     string            `json:"description"`
		Props           []oscalProp       `json:"props,omitempty"`
		IncludeControls []oscalControlRef `json:"include-controls,omitempty"`
	}
	oscalControlRef struct {
		ControlID string `json:"control-id"`
	}
	oscalObservation struct {
		UUID             string            `json:"uuid"`
		Title            string            `json:"title"`
		Description      string            `json:"description"`
		Props            []oscalProp       `json:"props,omitempty"`
		Methods          []string          `json:"methods"`
		Types            []string          `json:"types"`
		Origins          []oscalOrigin     `json:"origins"`
		Subjects         []oscalSubjectRef `json:"subjects"`
		RelevantEvidence []oscalEvidence   `json:"relevant-evidence,omitempty"`
		Collected        string            `json:"collected"`
		Remarks          string            `json:"remarks,omitempty"`
	}
	oscalOrigin struct {
		Actors []oscalActor `json:"actors"`
	}
	oscalActor struct {
		Type      string `json:"type"`
		ActorUUID string `json:"actor-uuid"`
	}
	oscalSubjectRef struct {
		SubjectUUID string `json:"subject-uuid"`
		Type        string `json:"type"`
		Title       string `json:"title"`
	}
	oscalEvidence struct {
		Href        string      `json:"href,omitempty"`
		Description string      `json:"description"`
		Props       []oscalProp `json:"props,omitempty"`
	}
	oscalFinding struct {
		UUID                string                `json:"uuid"`
		Title               string                `json:"title"`
		Description         string                `json:"description"`
		Props               []oscalProp           `json:"props,omitempty"`
		Origins             []oscalOrigin         `json:"origins"`
		Target              oscalTarget           `json:"target"`
		RelatedObservations []oscalObservationRef `json:"related-observations,omitempty"`
		Remarks             string                `json:"remarks,omitempty"`
	}
	oscalTarget struct {
		Type                 string            `json:"type"`
		TargetID             string            `json:"target-id"`
		Title                string            `json:"title"`
		Status               oscalTargetStatus `json:"status"`
		ImplementationStatus *oscalState       `json:"implementation-status,omitempty"`
	}
	oscalTargetStatus struct {
		State   string `json:"state"`
		Reason  string `json:"reason"`
		Remarks string `json:"remarks,omitempty"`
	}
	oscalObservationRef struct {
		ObservationUUID string `json:"observation-uuid"`
	}
	oscalBackMatter struct {
		Resources []oscalResource `json:"resources"`
	}
	oscalResource struct {
		UUID        string      `json:"uuid"`
		Title       string      `json:"title"`
		Description string      `json:"description"`
		Props       []oscalProp `json:"props,omitempty"`
	}
)

// oscalStatus maps a kubeposture status to a finding's target status (state and reason).
// satisfied only for PASS, and for NOT_APPLICABLE, whose finding also carries the
// implementation status not-applicable; every other status is not-satisfied: a failure
// ("fail"), or what is neither a pass nor a fail ("other": WARN, NOT_EVALUATED, MANUAL,
// EXCEPTED, and a status this version does not know).
func oscalStatus(s checks.Status) (state, reason string) {
	switch s {
	case checks.Pass:
		return "satisfied", "pass"
	case checks.NotApplicable:
		return "satisfied", "other"
	case checks.Fail:
		return "not-satisfied", "fail"
	}
	return "not-satisfied", "other"
}

// oscalDoc holds what every part of one report's document refers to.
type oscalDoc struct {
	rep                             *checks.Report
	cluster                         string // the cluster's key in derived UUIDs
	start, end, collected           string
	clusterUUID, toolUUID, planUUID string
	clusterTitle                    string
	origins                         []oscalOrigin
	subjects                        []oscalSubjectRef
	observationUUIDs                [][]string // per control, its results' observations
	frameworks                      []checks.Framework
}

func newOSCALDoc(rep *checks.Report) *oscalDoc {
	d := &oscalDoc{rep: rep, cluster: rep.Cluster.UID}
	if d.cluster == "" {
		d.cluster = rep.Cluster.Server
	}
	start := rep.CollectedAt
	if start.IsZero() {
		start = rep.GeneratedAt
	}
	d.start, d.collected = oscalTime(start), oscalTime(start)
	if !rep.GeneratedAt.Before(start) {
		d.end = oscalTime(rep.GeneratedAt)
	}
	d.clusterUUID = oscalUUID("cluster", d.cluster)
	d.toolUUID = oscalUUID("tool", "kubeposture")
	d.planUUID = oscalUUID("plan", d.cluster, d.start)
	d.origins = []oscalOrigin{{Actors: []oscalActor{{Type: "tool", ActorUUID: d.toolUUID}}}}
	d.clusterTitle = "Kubernetes cluster " + orDash(oneLine(clusterName(rep)))
	d.subjects = []oscalSubjectRef{{SubjectUUID: d.clusterUUID, Type: "component", Title: d.clusterTitle}}
	d.frameworks = selectedFrameworks(rep.Selection)
	return d
}

func oscalTime(t time.Time) string {
	return t.UTC().Format(time.RFC3339Nano)
}

// oscalProps builds a property list in kubeposture's namespace from name, value pairs, leaving
// out empty values. OSCAL property values are one line without surrounding space.
func oscalProps(pairs ...string) []oscalProp {
	var out []oscalProp
	for i := 0; i+1 < len(pairs); i += 2 {
		if v := oneLine(pairs[i+1]); v != "" {
			out = append(out, oscalProp{Name: oscalToken(pairs[i]), NS: OSCALNamespace, Value: v})
		}
	}
	return out
}

// oscalToken makes s an OSCAL token (an XML NCName: a letter or _ first, then letters,
// digits, '.', '-' or '_'), replacing any other character with '_'.
func oscalToken(s string) string {
	var b strings.Builder
	for i, r := range s {
		switch {
		case unicode.IsLetter(r) || r == '_':
		case i > 0 && (unicode.IsNumber(r) || r == '.' || r == '-'):
		case i == 0 && (unicode.IsNumber(r) || r == '.' || r == '-'):
			b.WriteByte('_')
		default:
			r = '_'
		}
		b.WriteRune(r)
	}
	if b.Len() == 0 {
		return "_"
	}
	return b.String()
}

// oscalControlID names a framework item as an OSCAL control id. CIS numbers are not tokens,
// so they take the prefix the CIS Kubernetes catalogs in OSCAL use ("CIS-1.2.1"), as SARIF
// tags name them too.
func oscalControlID(f checks.Framework, id string) string {
	if f == checks.CIS {
		id = "CIS-" + id
	}
	return oscalToken(id)
}

func (d *oscalDoc) document() oscalAssessmentResults {
	rep := d.rep
	return oscalAssessmentResults{
		UUID: oscalUUID("assessment-results", d.cluster, d.start),
		Metadata: oscalMetadata{
			Title:        "kubeposture assessment results: " + orDash(oneLine(clusterName(rep))),
			LastModified: oscalTime(rep.GeneratedAt),
			// The document is one scan's: its version is the time its report was made, which
			// re-rendering the saved report keeps.
			Version:      oscalTime(rep.GeneratedAt),
			OSCALVersion: OSCALVersion,
			Props:        oscalProps("tool", "kubeposture", "tool-version", rep.ToolVersion, "report-schema", rep.SchemaVersion),
		},
		ImportAP: oscalImportAP{Href: "#" + d.planUUID,
			Remarks: "kubeposture has no separate assessment plan: the scan's selection, in the back matter, is the plan."},
		BackMatter: oscalBackMatter{Resources: []oscalResource{{
			UUID:        d.planUUID,
			Title:       "kubeposture scan selection",
			Description: selectionText(rep.Selection),
			Props: oscalProps("frameworks", formatNames(rep.Selection.Frameworks), "layers", formatNames(rep.Selection.Layers),
				"controls", strings.Join(rep.Selection.Controls, ", "), "namespaces", strings.Join(rep.Selection.Namespaces, ", "),
				"allowed-registries", registryNames(rep.Selection.AllowedRegistries)),
		}}},
	}
}

// registryNames renders an allow-list as the user gave it.
func registryNames(rs []checks.AllowedRegistry) string {
	names := make([]string, len(rs))
	for i, r := range rs {
		names[i] = r.String()
	}
	return strings.Join(names, ", ")
}

// selectionText says in words what the scan selected.
func selectionText(sel checks.Selection) string {
	all := func(s string) string {
		if s == "" {
			return "all"
		}
		return s
	}
	return fmt.Sprintf("Frameworks: %s. Layers: %s. Controls: %s. Namespaces: %s.",
		all(formatNames(sel.Frameworks)), all(formatNames(sel.Layers)), all(strings.Join(sel.Controls, ", ")), all(strings.Join(sel.Namespaces, ", ")))
}

// result is the scan's result without its observations and findings.
func (d *oscalDoc) result() oscalResult {
	rep := d.rep
	c := rep.Cluster
	desc := fmt.Sprintf("Automated assessment of %s by kubeposture %s: %s, total score %s.",
		d.clusterTitle, orDash(rep.ToolVersion), plural(len(rep.Controls), "control"), formatScore(rep.Summary.Total.Score))
	if len(rep.NotCollected) > 0 {
		var parts []string
		for _, n := range rep.NotCollected {
			parts = append(parts, fmt.Sprintf("%s (%s)", n.Resource, n.State))
		}
		desc += " Not collected, so the controls that need it are not assessed: " + strings.Join(parts, ", ") + "."
	}
	score := ""
	if rep.Summary.Total.Score >= 0 {
		score = formatScore(rep.Summary.Total.Score)
	}
	return oscalResult{
		UUID:        oscalUUID("result", d.cluster, d.start),
		Title:       "kubeposture scan of " + orDash(oneLine(clusterName(rep))),
		Description: desc,
		Start:       d.start,
		End:         d.end,
		Props:       oscalProps("score", score),
		LocalDefinitions: oscalLocalDefinitions{
			Components: []oscalComponent{{
				UUID: d.clusterUUID, Type: "this-system", Title: d.clusterTitle,
				Description: fmt.Sprintf("The Kubernetes cluster at %s: kube-system namespace UID %s, Kubernetes %s, provider %s.",
					orDash(c.Server), orDash(c.UID), orDash(c.Version), orDash(string(c.Provider))),
				Props:  append(oscalProps("cluster-uid", c.UID, "server", c.Server, "provider", string(c.Provider)), oscalCoreProps("version", c.Version)...),
				Status: oscalState{State: "operational"},
			}},
			AssessmentAssets: oscalAssessmentAssets{
				Components: []oscalComponent{{
					UUID: d.toolUUID, Type: "software", Title: "kubeposture",
					Description: "kubeposture audits the security posture of a Kubernetes cluster against the CIS Kubernetes Benchmark, the Pod Security Standards and the NSA/CISA Kubernetes Hardening Guide.",
					Props:       oscalCoreProps("version", rep.ToolVersion),
					Status:      oscalState{State: "operational"},
				}},
				AssessmentPlatforms: []oscalAssessmentPlatform{{UUID: oscalUUID("assessment-platform", "kubeposture"), Title: "kubeposture",
					UsesComponents: []oscalUsesComponent{{ComponentUUID: d.toolUUID}}}},
			},
		},
		ReviewedControls: d.reviewedControls(),
	}
}

// oscalCoreProps is oscalProps for OSCAL's own property names (no namespace).
func oscalCoreProps(pairs ...string) []oscalProp {
	out := oscalProps(pairs...)
	for i := range out {
		out[i].NS = ""
	}
	return out
}

// reviewedControls names the selected controls: kubeposture's own, then the items of each
// selected framework that they claim.
func (d *oscalDoc) reviewedControls() oscalReviewedControls {
	rep := d.rep
	rc := oscalReviewedControls{Description: "The controls this scan evaluated (" + selectionText(rep.Selection) +
		"): kubeposture's own controls, which the findings target, and the framework items they implement."}
	if len(rep.Controls) == 0 {
		rc.ControlSelections = []oscalControlSelection{{Description: "No control was selected."}}
		return rc
	}
	own := oscalControlSelection{Description: "kubeposture's controls ('audit controls' lists them).", Props: oscalProps("framework", "kubeposture")}
	for i := range rep.Controls {
		own.IncludeControls = append(own.IncludeControls, oscalControlRef{ControlID: oscalToken(rep.Controls[i].ID)})
	}
	rc.ControlSelections = append(rc.ControlSelections, own)
	for _, f := range d.frameworks {
		items := frameworkItems(rep.Controls, f, nil)
		if len(items) == 0 {
			continue
		}
		sel := oscalControlSelection{Description: frameworkTitle(f) + ".", Props: oscalProps("framework", string(f))}
		for _, it := range items {
			sel.IncludeControls = append(sel.IncludeControls, oscalControlRef{ControlID: oscalControlID(f, it.ID)})
		}
		rc.ControlSelections = append(rc.ControlSelections, sel)
	}
	return rc
}

// eachObservation calls fn with the observation of every result, control by control, and
// records their UUIDs for the findings. Two results of one control about the same resource
// (a control may judge one object twice) get distinct UUIDs by their order.
func (d *oscalDoc) eachObservation(fn func(*oscalObservation) error) error {
	rep := d.rep
	d.observationUUIDs = make([][]string, len(rep.Controls))
	for i := range rep.Controls {
		c := &rep.Controls[i]
		var seen map[checks.Resource]int
		ids := make([]string, 0, len(c.Results))
		for j := range c.Results {
			r := &c.Results[j]
			parts := []string{"observation", d.cluster, c.ID, r.Resource.Kind, r.Resource.Namespace, r.Resource.Name}
			if j > 0 {
				if seen == nil {
					seen = map[checks.Resource]int{c.Results[0].Resource: 1}
				}
				if n := seen[r.Resource]; n > 0 {
					parts = append(parts, fmt.Sprint(n))
				}
				seen[r.Resource]++
			}
			o := d.observation(c, r, oscalUUID(parts...))
			ids = append(ids, o.UUID)
			if err := fn(&o); err != nil {
				return err
			}
		}
		d.observationUUIDs[i] = ids
	}
	return nil
}

func (d *oscalDoc) observation(c *checks.ControlReport, r *checks.Result, id string) oscalObservation {
	res := r.Resource.String()
	o := oscalObservation{
		UUID:        id,
		Title:       oneLine(c.ID + " " + string(r.Status) + " on " + res),
		Description: fmt.Sprintf("%s (%s): %s on %s.", c.ID, strings.TrimSuffix(oneLine(c.Title), "."), r.Status, res),
		// The resource as the other formats name it: Kind/namespace/name, or Kind/name.
		Props: oscalProps("control-id", c.ID, "status", string(r.Status), "resource", res),
		// An inspection of the cluster's collected state: kubeposture reads objects and
		// configuration and compares them with the control's rule.
		Methods:   []string{"EXAMINE"},
		Types:     []string{"finding"},
		Origins:   d.origins,
		Subjects:  d.subjects,
		Collected: d.collected,
		Remarks:   strings.TrimSpace(r.Reason + " " + exceptionText(*r)),
	}
	ev := r.Evidence
	if ev.Observed != "" || ev.Expected != "" || ev.Where != "" {
		var lines []string
		for _, f := range [][2]string{{"Observed", ev.Observed}, {"Expected", ev.Expected}, {"Where", ev.Where}} {
			if f[1] != "" {
				lines = append(lines, fmt.Sprintf("- %s: `%s`", f[0], mdCode(f[1])))
			}
		}
		e := oscalEvidence{Description: strings.Join(lines, "\n"),
			Props: oscalProps("observed", ev.Observed, "expected", ev.Expected, "where", ev.Where)}
		if file := d.rep.Sources[res]; file != "" {
			e.Href = (&url.URL{Path: filepath.ToSlash(file)}).String()
		}
		o.RelevantEvidence = []oscalEvidence{e}
	}
	return o
}

// finding is control i's finding; eachObservation must have run.
func (d *oscalDoc) finding(i int) oscalFinding {
	c := &d.rep.Controls[i]
	state, reason := oscalStatus(c.Status)
	f := oscalFinding{
		UUID:        oscalUUID("finding", d.cluster, c.ID),
		Title:       oneLine(c.ID + ": " + c.Title),
		Description: c.Description,
		Props:       oscalProps("control-id", c.ID, "status", string(c.Status), "severity", string(c.Severity), "layer", string(c.Layer)),
		Origins:     d.origins,
		Target: oscalTarget{Type: "objective-id", TargetID: oscalToken(c.ID), Title: oneLine(c.Title),
			Status: oscalTargetStatus{State: state, Reason: reason, Remarks: statusRemarks(c)}},
		Remarks: "Remediation: " + c.Remediation,
	}
	for _, fw := range checks.Frameworks {
		if fw == checks.PSSRestricted && c.References.PSSLevel != "restricted" {
			continue // a baseline check is named under pss-baseline only
		}
		for _, id := range frameworkRefs(&c.Control, fw) {
			f.Props = append(f.Props, oscalProps(string(fw), id)...)
		}
	}
	if c.Status == checks.NotApplicable {
		f.Target.ImplementationStatus = &oscalState{State: "not-applicable"}
	}
	for _, id := range d.observationUUIDs[i] {
		f.RelatedObservations = append(f.RelatedObservations, oscalObservationRef{ObservationUUID: id})
	}
	return f
}

// statusRemarks explains a control's status: its counts, and for what is neither a pass nor
// a fail, the reasons its results give (the first few distinct ones).
func statusRemarks(c *checks.ControlReport) string {
	s := fmt.Sprintf("kubeposture status %s (results: %s).", c.Status, findingCounts(c.Counts))
	switch c.Status {
	case checks.NotEvaluated:
		s += " Not assessed: kubeposture could not see what the control needs, which is not a pass."
	case checks.Manual:
		s += " Not assessed by the tool: the verdict needs a person."
	case checks.Warn:
		s += " Neither a clear pass nor a clear failure: worth a look."
	case checks.Excepted:
		s += " The control failed or warned, and an unexpired exception accepts that risk."
	case checks.NotApplicable:
		s += " The control does not apply to this cluster."
	}
	if c.Status == checks.Pass || c.Status == checks.Fail {
		return s
	}
	const maxReasons = 5
	seen := map[string]bool{}
	var reasons []string
	for _, r := range c.Results {
		why := strings.TrimSpace(oneLine(r.Reason + " " + exceptionText(r)))
		if r.Status != c.Status || why == "" || seen[why] {
			continue
		}
		seen[why] = true
		if len(reasons) == maxReasons {
			reasons = append(reasons, "…")
			break
		}
		reasons = append(reasons, why)
	}
	if len(reasons) > 0 {
		s += " Why: " + strings.Join(reasons, "; ") + "."
	}
	return s
}

// writeOSCAL writes the document as encoding/json would indent it, but observation by
// observation and finding by finding, so that a large report is never held twice.
func writeOSCAL(w io.Writer, rep *checks.Report) error {
	d := newOSCALDoc(rep)
	bw := bufio.NewWriterSize(w, 64<<10)
	e := &oscalWriter{w: bw}
	doc := d.document()
	e.raw("{\n  \"assessment-results\": {\n    \"uuid\": ")
	e.value(doc.UUID, "    ")
	e.raw(",\n    \"metadata\": ")
	e.value(doc.Metadata, "    ")
	e.raw(",\n    \"import-ap\": ")
	e.value(doc.ImportAP, "    ")
	e.raw(",\n    \"results\": [\n      ")
	// The result without its observations and findings, reopened for them.
	head := e.encode(d.result(), "      ")
	e.raw(string(bytes.TrimSuffix(head, []byte("\n      }"))))
	first := true
	err := d.eachObservation(func(o *oscalObservation) error {
		if first {
			e.raw(",\n        \"observations\": [\n          ")
			first = false
		} else {
			e.raw(",\n          ")
		}
		e.value(o, "          ")
		return e.err
	})
	if err != nil {
		return fmt.Errorf("report: oscal: %w", err)
	}
	if !first {
		e.raw("\n        ]")
	}
	for i := range rep.Controls {
		if i == 0 {
			e.raw(",\n        \"findings\": [\n          ")
		} else {
			e.raw(",\n          ")
		}
		e.value(d.finding(i), "          ")
	}
	if len(rep.Controls) > 0 {
		e.raw("\n        ]")
	}
	e.raw("\n      }\n    ],\n    \"back-matter\": ")
	e.value(doc.BackMatter, "    ")
	e.raw("\n  }\n}\n")
	if e.err == nil {
		e.err = bw.Flush()
	}
	if e.err != nil {
		return fmt.Errorf("report: oscal: %w", e.err)
	}
	return nil
}

// oscalWriter writes JSON pieces, keeping the first error.
type oscalWriter struct {
	w    io.Writer
	buf  bytes.Buffer
	encs map[string]*json.Encoder // by indentation prefix, so that each reuses its buffers
	err  error
}

func (e *oscalWriter) raw(s string) {
	if e.err == nil {
		_, e.err = io.WriteString(e.w, s)
	}
}

// encode returns v indented as it would be at a depth of prefix, without a final newline.
func (e *oscalWriter) encode(v any, prefix string) []byte {
	e.buf.Reset()
	enc := e.encs[prefix]
	if enc == nil {
		enc = json.NewEncoder(&e.buf)
		enc.SetIndent(prefix, "  ")
		enc.SetEscapeHTML(false)
		if e.encs == nil {
			e.encs = map[string]*json.Encoder{}
		}
		e.encs[prefix] = enc
	}
	if err := enc.Encode(v); err != nil && e.err == nil {
		e.err = err
	}
	return bytes.TrimSuffix(e.buf.Bytes(), []byte("\n"))
}

func (e *oscalWriter) value(v any, prefix string) {
	b := e.encode(v, prefix)
	if e.err == nil {
		_, e.err = e.w.Write(b)
	}
}
