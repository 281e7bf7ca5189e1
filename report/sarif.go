package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/kubeposture/kubeposture/checks"
)

// InformationURI is the tool's home, named in SARIF logs.
const InformationURI = "https://github.com/kubeposture/kubeposture"

// FingerprintKey names kubeposture's partial fingerprint in SARIF results. Its value is stable
// across runs for the same cluster, control and resource, so that a code-scanning dashboard
// tracks one finding over time; the "/v1" changes if the recipe ever does.
const FingerprintKey = "kubeposture/finding/v1"

// securitySeverity maps a control's severity to the CVSS-like score GitHub code scanning reads
// from a rule's "security-severity" property (critical ≥ 9.0, high ≥ 7.0, medium ≥ 4.0).
var securitySeverity = map[checks.Severity]string{
	checks.Critical: "9.5", checks.High: "8.0", checks.Medium: "5.5", checks.Low: "3.0", checks.Info: "0.0",
}

// sarifLevel is the SARIF level of a failing result of a control of this severity.
func sarifLevel(s checks.Severity) string {
	switch s {
	case checks.Critical, checks.High:
		return "error"
	case checks.Medium:
		return "warning"
	}
	return "note"
}

// Fingerprint identifies one finding across runs: the cluster (its kube-system UID), the
// control and the resource. Evidence is left out on purpose: a finding whose observed value
// changes is still the same finding.
func Fingerprint(clusterUID, controlID string, r checks.Resource) string {
	sum := sha256.Sum256([]byte(strings.Join([]string{clusterUID, controlID, r.Kind, r.Namespace, r.Name}, "\x00")))
	return hex.EncodeToString(sum[:])
}

// buildSARIF turns the report into a SARIF 2.1.0 log without its results: every selected
// control is a rule (so a dashboard knows the full rule set, passing ones included). The
// results are made one at a time by sarifResult, as writeSARIF streams them; dropped results
// were left out to keep within GitHub's limits, and the run says so.
func buildSARIF(rep *checks.Report, loc *locator, dropped int) *sarif.Report {
	log := sarif.NewReport()
	run := sarif.NewRunWithInformationURI("kubeposture", InformationURI)
	if rep.ToolVersion != "" {
		run.Tool.Driver.WithVersion(rep.ToolVersion)
	}
	for _, c := range rep.Controls {
		rule := run.AddRule(c.ID).
			WithName(ruleName(c.Title)).
			WithDescription(oneLine(c.Title)).
			WithFullDescription(sarif.NewMultiformatMessageString().WithText(strings.TrimSpace(c.Description))).
			WithHelpURI(InformationURI + "/blob/main/docs/controls.md#" + anchor(c.ID)).
			WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(sarifLevel(c.Severity)))
		rule.Help = sarif.NewMultiformatMessageString().WithText(ruleHelpText(c.Control)).WithMarkdown(ruleHelpMarkdown(c.Control))
		tags := ruleTags(c.Control)
		if len(tags) > maxRuleTags {
			// GitHub refuses a rule with more tags; "security" and the layer come first.
			tags = tags[:maxRuleTags]
		}
		props := sarif.NewPropertyBag().WithTags(tags)
		props.Add("security-severity", securitySeverity[c.Severity])
		props.Add("severity", string(c.Severity))
		props.Add("layer", string(c.Layer))
		rule.WithProperties(props)
	}
	// What could not be read is a property of the run, not a result: NOT_EVALUATED is no
	// finding, but a reader must know the run did not see everything.
	inv := sarif.NewInvocation().WithExecutionSuccessful(true)
	for _, n := range rep.NotCollected {
		text := fmt.Sprintf("%s not collected (%s)", n.Resource, n.State)
		if n.Message != "" {
			text += ": " + n.Message
		}
		inv.AddToolExecutionNotification(sarif.NewNotification().WithLevel("warning").WithMessage(sarif.NewTextMessage(text)))
	}
	if dropped > 0 {
		inv.AddToolExecutionNotification(sarif.NewNotification().WithLevel("warning").WithMessage(sarif.NewTextMessage(droppedMessage(dropped))))
	}
	run.AddInvocation(inv)
	props := sarif.NewPropertyBag()
	props.Add("clusterUID", rep.Cluster.UID)
	props.Add("clusterServer", rep.Cluster.Server)
	props.Add("kubernetesVersion", rep.Cluster.Version)
	props.Add("provider", string(rep.Cluster.Provider))
	props.Add("collectedAt", formatTime(rep.CollectedAt))
	props.Add("generatedAt", formatTime(rep.GeneratedAt))
	props.Add("score", rep.Summary.Total.Score)
	run.WithProperties(props)
	// Runs of the same cluster form one category on a dashboard (the category is what comes
	// before the last slash), so that a scan's results replace the last scan's of that cluster
	// only.
	run.WithAutomationDetails(sarif.NewRunAutomationDetails().WithID("kubeposture/" + loc.cluster + "/"))
	if ids := loc.originalURIBaseIDs(); ids != nil {
		run.WithOriginalUriBaseIds(ids)
	}
	log.AddRun(run)
	return log
}

// sarifResult is the SARIF result of a FAIL result r of control c (rule ruleIndex), located
// in a file (a manifest's, or the object's under kubernetes/<cluster>/, see locator) and by a
// logical location naming the cluster object.
func sarifResult(rep *checks.Report, c *checks.ControlReport, ruleIndex int, r *checks.Result, loc *locator) (*sarif.Result, error) {
	logical := sarif.NewLogicalLocation().
		WithName(orKind(r.Resource)).
		WithFullyQualifiedName(r.Resource.String()).
		WithKind("resource")
	props := sarif.NewPropertyBag()
	props.Add("kind", r.Resource.Kind)
	if r.Resource.Namespace != "" {
		props.Add("namespace", r.Resource.Namespace)
	}
	logical.WithProperties(props)
	physical, err := loc.locate(r)
	if err != nil {
		return nil, err
	}
	location := sarif.NewLocation().WithPhysicalLocation(physical).AddLogicalLocation(logical)
	res := sarif.NewRuleResult(c.ID).WithRuleIndex(ruleIndex).
		WithLevel(sarifLevel(c.Severity)).
		WithMessage(sarif.NewTextMessage(resultMessage(c.Control, *r))).
		AddLocation(location).
		WithPartialFingerprints(map[string]string{FingerprintKey: Fingerprint(rep.Cluster.UID, c.ID, r.Resource)})
	evidence := sarif.NewPropertyBag()
	for k, v := range map[string]string{"observed": r.Evidence.Observed, "expected": r.Evidence.Expected, "where": r.Evidence.Where} {
		if v != "" {
			evidence.Add(k, v)
		}
	}
	res.Suppressions = sarifSuppressions(r)
	return res.WithProperties(evidence), nil
}

// GitHub code scanning's limits (docs.github.com, "SARIF support for code scanning",
// "Validating your SARIF file"): a file with more is refused whole.
const (
	// MaxSARIFResults is the results one run may hold.
	MaxSARIFResults = 25000
	// maxRuleTags is the tags one rule may have.
	maxRuleTags = 20
)

// sarifMaxResults is MaxSARIFResults, lowered by tests.
var sarifMaxResults = MaxSARIFResults

// sarifListed reports whether r is a result of the SARIF log: a FAIL, or an excepted one
// (suppressed).
func sarifListed(r *checks.Result) bool {
	return r.Status == checks.Fail || sarifSuppressions(r) != nil
}

// resultBudget keeps a log within GitHub's limit of results per run: when the report has
// more, the most severe are kept (a code-scanning dashboard shows the most severe first too),
// those of one severity in report order. keep says, result by result in report order, whether
// one of severity s is written; dropped is how many are not.
func resultBudget(rep *checks.Report, limit int) (keep func(s checks.Severity) bool, dropped int) {
	counts := map[int]int{}
	total := 0
	for i := range rep.Controls {
		c := &rep.Controls[i]
		for j := range c.Results {
			if sarifListed(&c.Results[j]) {
				counts[c.Severity.Rank()]++
				total++
			}
		}
	}
	if total <= limit {
		return func(checks.Severity) bool { return true }, 0
	}
	ranks := make([]int, 0, len(counts))
	for r := range counts {
		ranks = append(ranks, r)
	}
	slices.Sort(ranks)
	left, room := map[int]int{}, limit
	for _, r := range slices.Backward(ranks) {
		left[r] = min(counts[r], room)
		room -= left[r]
	}
	return func(s checks.Severity) bool {
		if left[s.Rank()] > 0 {
			left[s.Rank()]--
			return true
		}
		return false
	}, total - limit
}

func droppedMessage(dropped int) string {
	return fmt.Sprintf("%d result(s) left out: GitHub code scanning refuses a run of more than %d results; the most severe were kept (the JSON report has every result)", dropped, sarifMaxResults)
}

// resultsSentinel stands for the results array in the encoded log, where writeSARIF streams
// them.
const resultsSentinel = "\x00kubeposture-results\x00"

func writeSARIF(w io.Writer, rep *checks.Report, opts SARIFOptions) error {
	loc, err := newLocator(rep, opts)
	if err != nil {
		return fmt.Errorf("report: sarif: %w", err)
	}
	keep, dropped := resultBudget(rep, sarifMaxResults)
	if dropped > 0 && opts.Warn != nil {
		fmt.Fprintf(opts.Warn, "audit: warning: SARIF: %s\n", droppedMessage(dropped))
	}
	log := buildSARIF(rep, loc, dropped)
	// go-sarif writes every optional array as [] and every optional index as -1 (so that it
	// never writes a null the schema would refuse); those are SARIF's defaults, and in a log
	// of thousands of results they would be most of its bytes: dropDefaults drops them. The
	// log is encoded without its results, which are then streamed one by one where the
	// sentinel stands, so that a large report is never held as one SARIF document.
	doc, err := compactJSON(log)
	if err != nil {
		return fmt.Errorf("report: sarif: %w", err)
	}
	doc.(map[string]any)["runs"].([]any)[0].(map[string]any)["results"] = resultsSentinel
	var head bytes.Buffer
	enc := json.NewEncoder(&head)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("report: sarif: %w", err)
	}
	quoted, _ := json.Marshal(resultsSentinel)
	before, after, ok := bytes.Cut(head.Bytes(), quoted)
	if !ok {
		return fmt.Errorf("report: sarif: results placeholder lost")
	}
	// The indentation of the "results" line, for the results' own lines.
	indent := before[bytes.LastIndexByte(before, '\n')+1:]
	indent = indent[:len(indent)-len(bytes.TrimLeft(indent, " "))]
	bw := &errWriter{w: w}
	bw.Write(before)
	bw.Write([]byte("["))
	n := 0
	var buf bytes.Buffer
	renc := json.NewEncoder(&buf)
	renc.SetIndent(string(indent)+"  ", "  ")
	renc.SetEscapeHTML(false)
	for i := range rep.Controls {
		c := &rep.Controls[i]
		idx := log.Runs[0].GetRuleIndex(c.ID)
		for j := range c.Results {
			if !sarifListed(&c.Results[j]) || !keep(c.Severity) {
				continue
			}
			res, err := sarifResult(rep, c, idx, &c.Results[j], loc)
			if err != nil {
				return fmt.Errorf("report: sarif: %w", err)
			}
			v := compactResult(res)
			buf.Reset()
			if n > 0 {
				buf.WriteByte(',')
			}
			buf.WriteByte('\n')
			buf.Write(indent)
			buf.WriteString("  ")
			if err := renc.Encode(v); err != nil {
				return fmt.Errorf("report: sarif: %w", err)
			}
			buf.Truncate(buf.Len() - 1)
			bw.Write(buf.Bytes())
			n++
		}
	}
	if n > 0 {
		bw.Write([]byte("\n"))
		bw.Write(indent)
	}
	bw.Write([]byte("]"))
	bw.Write(after)
	if bw.err != nil {
		return fmt.Errorf("report: sarif: %w", bw.err)
	}
	return nil
}

// The results are the bulk of a large log, so they are not sent through compactJSON's
// generic decoding: compactResult copies the fields sarifResult sets into types that omit
// what is empty, with the fields in the alphabetical order the rest of the log has, which
// makes the same bytes (the golden file and TestSARIFResultsCompact hold it to that).
type (
	resultJSON struct {
		Kind                string               `json:"kind,omitempty"`
		Level               string               `json:"level,omitempty"`
		Locations           []locationJSON       `json:"locations,omitempty"`
		Message             *messageJSON         `json:"message,omitempty"`
		PartialFingerprints map[string]string    `json:"partialFingerprints,omitempty"`
		Properties          *sarif.PropertyBag   `json:"properties,omitempty"`
		RuleID              *string              `json:"ruleId,omitempty"`
		RuleIndex           *int                 `json:"ruleIndex,omitempty"`
		Suppressions        []*sarif.Suppression `json:"suppressions,omitempty"`
	}
	locationJSON struct {
		LogicalLocations []logicalLocationJSON `json:"logicalLocations,omitempty"`
		PhysicalLocation *physicalLocationJSON `json:"physicalLocation,omitempty"`
	}
	physicalLocationJSON struct {
		ArtifactLocation artifactLocationJSON `json:"artifactLocation"`
		Region           *regionJSON          `json:"region,omitempty"`
	}
	artifactLocationJSON struct {
		URI       *string `json:"uri,omitempty"`
		URIBaseID *string `json:"uriBaseId,omitempty"`
	}
	regionJSON struct {
		EndLine     *int `json:"endLine,omitempty"`
		StartColumn *int `json:"startColumn,omitempty"`
		StartLine   *int `json:"startLine,omitempty"`
	}
	logicalLocationJSON struct {
		FullyQualifiedName *string            `json:"fullyQualifiedName,omitempty"`
		Kind               *string            `json:"kind,omitempty"`
		Name               *string            `json:"name,omitempty"`
		Properties         *sarif.PropertyBag `json:"properties,omitempty"`
	}
	messageJSON struct {
		Text *string `json:"text,omitempty"`
	}
)

// compactResult copies a result made by sarifResult for encoding without SARIF's defaults.
func compactResult(r *sarif.Result) *resultJSON {
	out := &resultJSON{Kind: r.Kind, Level: r.Level, PartialFingerprints: r.PartialFingerprints,
		Properties: nonEmpty(r.Properties), RuleID: r.RuleID, Suppressions: r.Suppressions}
	if r.RuleIndex >= 0 {
		out.RuleIndex = &r.RuleIndex
	}
	if r.Message != nil {
		out.Message = &messageJSON{Text: r.Message.Text}
	}
	for _, l := range r.Locations {
		var lj locationJSON
		for _, ll := range l.LogicalLocations {
			lj.LogicalLocations = append(lj.LogicalLocations, logicalLocationJSON{FullyQualifiedName: ll.FullyQualifiedName,
				Kind: ll.Kind, Name: ll.Name, Properties: nonEmpty(ll.Properties)})
		}
		if pl := l.PhysicalLocation; pl != nil && pl.ArtifactLocation != nil {
			lj.PhysicalLocation = &physicalLocationJSON{ArtifactLocation: artifactLocationJSON{URI: pl.ArtifactLocation.URI, URIBaseID: pl.ArtifactLocation.URIBaseID}}
			if rg := pl.Region; rg != nil {
				lj.PhysicalLocation.Region = &regionJSON{EndLine: rg.EndLine, StartColumn: rg.StartColumn, StartLine: rg.StartLine}
			}
		}
		out.Locations = append(out.Locations, lj)
	}
	return out
}

func nonEmpty(p *sarif.PropertyBag) *sarif.PropertyBag {
	if p == nil || len(p.Properties) == 0 && len(p.Tags) == 0 {
		return nil
	}
	return p
}

// compactJSON encodes v and decodes it back as generic JSON without SARIF's defaults.
func compactJSON(v any) (any, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var doc any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	return dropDefaults(doc), nil
}

// sarifDefaultMinusOne are the SARIF properties whose default is -1.
var sarifDefaultMinusOne = map[string]bool{"index": true, "parentIndex": true, "id": true, "rank": true, "ruleIndex": true,
	"byteOffset": true, "charOffset": true}

// dropDefaults removes, recursively, empty arrays, nulls, empty property bags and -1
// defaults, which SARIF readers take as absent anyway.
func dropDefaults(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			e = dropDefaults(e)
			switch ev := e.(type) {
			case nil:
				delete(x, k)
				continue
			case []any:
				if len(ev) == 0 {
					delete(x, k)
					continue
				}
			case map[string]any:
				if len(ev) == 0 && k == "properties" {
					delete(x, k)
					continue
				}
			case json.Number:
				if ev == "-1" && sarifDefaultMinusOne[k] {
					delete(x, k)
					continue
				}
			}
			x[k] = e
		}
	case []any:
		for i := range x {
			x[i] = dropDefaults(x[i])
		}
	}
	return v
}

// ruleName is a rule's name in SARIF's PascalCase style, from the control's title.
func ruleName(title string) string {
	var b strings.Builder
	for _, f := range strings.FieldsFunc(title, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}) {
		b.WriteString(strings.ToUpper(f[:1]) + f[1:])
	}
	return b.String()
}

// ruleTags are the rule's framework references as tags ("CIS-1.2.1", "PSS-baseline",
// "PSS-privileged", "NSA-C-0005", "MITRE-T1611"), with "security" first so GitHub counts it as a security rule.
func ruleTags(c checks.Control) []string {
	tags := []string{"security", "kubernetes", "layer-" + string(c.Layer)}
	r := c.References
	for _, id := range r.CIS {
		tags = append(tags, "CIS-"+id)
	}
	if r.PSSLevel != "" {
		tags = append(tags, "PSS-"+r.PSSLevel)
	}
	for _, id := range r.PSS {
		tags = append(tags, "PSS-"+id)
	}
	for _, id := range r.NSA {
		tags = append(tags, "NSA-"+id)
	}
	for _, id := range r.MITRE {
		tags = append(tags, "MITRE-"+id)
	}
	return tags
}

func refLines(c checks.Control) []string {
	var out []string
	r := c.References
	if len(r.CIS) > 0 {
		out = append(out, "CIS Kubernetes Benchmark 1.12: "+strings.Join(r.CIS, ", "))
	}
	if pss := pssRef(r); pss != "" {
		out = append(out, "Pod Security Standards: "+pss)
	}
	if len(r.NSA) > 0 {
		out = append(out, "NSA/CISA Kubernetes Hardening Guide: "+strings.Join(r.NSA, ", "))
	}
	if len(r.MITRE) > 0 {
		out = append(out, "MITRE ATT&CK (Containers): "+strings.Join(r.MITRE, ", "))
	}
	return out
}

func ruleHelpText(c checks.Control) string {
	parts := []string{strings.TrimSpace(c.Description), "Remediation: " + strings.TrimSpace(c.Remediation)}
	parts = append(parts, refLines(c)...)
	return strings.Join(parts, "\n\n")
}

func ruleHelpMarkdown(c checks.Control) string {
	parts := []string{strings.TrimSpace(c.Description), "**Remediation.** " + strings.TrimSpace(c.Remediation)}
	if refs := refLines(c); len(refs) > 0 {
		parts = append(parts, "- "+strings.Join(refs, "\n- "))
	}
	return strings.Join(parts, "\n\n")
}

// resultMessage says what failed where: "Pod/shop/web: observed …; expected …; where …".
func resultMessage(c checks.Control, r checks.Result) string {
	msg := r.Resource.String() + ": " + oneLine(c.Title)
	var ev []string
	for _, f := range [][2]string{{"observed", r.Evidence.Observed}, {"expected", r.Evidence.Expected}, {"where", r.Evidence.Where}, {"reason", r.Reason}} {
		if f[1] != "" {
			ev = append(ev, f[0]+" "+oneLine(f[1]))
		}
	}
	if len(ev) > 0 {
		msg += " (" + strings.Join(ev, "; ") + ")"
	}
	return msg
}

// orKind names a resource without a name (the cluster itself) by its kind.
func orKind(r checks.Resource) string {
	if r.Name == "" {
		return r.Kind
	}
	return r.Name
}
