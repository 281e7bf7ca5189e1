package report

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/fatih/color"
	"github.com/mattn/go-runewidth"
	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

// Widths at which long cells wrap: titles, and lists of CIS ids.
const (
	titleWidth = 60
	idsWidth   = 24
)

// errWriter keeps the first write error so that rendering code can write unchecked and report
// the error once at the end.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}

func (e *errWriter) printf(format string, args ...any) {
	fmt.Fprintf(e, format, args...)
}

// newTable returns a table with the header as given (no upper-casing), left-aligned cells,
// and the columns in wrap (column index to width) wrapped at that width.
func newTable(w io.Writer, header []string, wrap map[int]int) *tablewriter.Table {
	t := tablewriter.NewTable(w,
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
		tablewriter.WithRowAlignment(tw.AlignLeft),
		tablewriter.WithRowAutoWrap(tw.WrapNormal),
	)
	if len(wrap) > 0 {
		t.Configure(func(cfg *tablewriter.Config) {
			widths := tw.NewMapper[int, int]()
			for col, width := range wrap {
				widths.Set(col, width)
			}
			cfg.Row.ColMaxWidths.PerColumn = widths
		})
	}
	// Set after the options: WithHeader formats the header with the options given before it.
	t.Header(header)
	return t
}

func render(t *tablewriter.Table, rows [][]string) error {
	for _, r := range rows {
		if err := t.Append(r); err != nil {
			return err
		}
	}
	return t.Render()
}

// DefaultMaxControls is how many controls the table lists when Options.MaxControls is zero:
// with the header and the scores, a screenful.
const DefaultMaxControls = 35

// DefaultWidth is the table's width when Options.Width is zero (a file or a pipe).
const DefaultWidth = 120

// resourcesPerRow is how many resources a control's row names before "…".
const resourcesPerRow = 3

// writeTable writes the terminal report: what was scanned, the scores, the listed controls
// (FAIL and WARN by default) most severe first with their resources, and one line counting
// the rest. It renders the report's statuses as they are.
func writeTable(out io.Writer, rep *checks.Report, opts Options) error {
	w := &errWriter{w: out}
	st := newStyle(opts.Color)
	width := opts.Width
	if width <= 0 {
		width = DefaultWidth
	}
	writeIdentity(w, rep, width)
	if err := writeScores(w, rep, st); err != nil {
		return err
	}
	if opts.SummaryOnly {
		return w.err
	}
	l := listControls(rep, opts)
	writeListing(w, l, st, width)
	if opts.Details {
		writeFindings(w, l.shown, opts.maxResources())
	}
	writeExceptionsText(w, rep, "\nExceptions\n", func(s string) string { return "  - " + indent(s, "    ") })
	writeRest(w, rep, l, st, width)
	return w.err
}

// writeIdentity names the cluster and the scan in two or three lines.
func writeIdentity(w *errWriter, rep *checks.Report, width int) {
	c := rep.Cluster
	var id []string
	for _, s := range []string{c.Server, string(c.Provider), c.Version} {
		if s = oneLine(s); s != "" {
			id = append(id, s)
		}
	}
	if c.UID != "" {
		id = append(id, "uid "+oneLine(c.UID))
	}
	w.printf("%s\n", fit("Cluster   "+orDash(strings.Join(id, " · ")), width))
	scan := "collected " + orDash(formatTime(rep.CollectedAt)) + " · reported " + orDash(formatTime(rep.GeneratedAt)) + " · kubeposture " + orDash(oneLine(rep.ToolVersion))
	w.printf("%s\n", fit("Scan      "+scan, width))
	sel := rep.Selection
	var scope []string
	for _, f := range [][2]string{
		{"frameworks", formatNames(sel.Frameworks)},
		{"layers", formatNames(sel.Layers)},
		{"controls", strings.Join(sel.Controls, ", ")},
		{"namespaces", strings.Join(sel.Namespaces, ", ")},
	} {
		if f[1] != "" {
			scope = append(scope, f[0]+" "+oneLine(f[1]))
		}
	}
	if len(scope) > 0 {
		w.printf("%s\n", fit("Selected  "+strings.Join(scope, " · "), width))
	}
}

// writeScores writes a row per layer and framework, and the total.
func writeScores(w *errWriter, rep *checks.Report, st style) error {
	w.printf("\nScore = 100 × (PASS + ½ WARN) / (PASS + WARN + FAIL)\n")
	type row struct {
		scope string
		t     checks.Tally
	}
	var rows []row
	sum := rep.Summary
	for _, l := range orderedKeys(sum.ByLayer, checks.Layers) {
		rows = append(rows, row{"layer " + string(l), sum.ByLayer[l]})
	}
	for _, f := range orderedKeys(sum.ByFramework, checks.Frameworks) {
		rows = append(rows, row{"framework " + string(f), sum.ByFramework[f]})
	}
	rows = append(rows, row{"total", sum.Total})
	scopeW := 0
	for _, r := range rows {
		scopeW = max(scopeW, runewidth.StringWidth(r.scope))
	}
	excepted := sum.Total.Status[checks.Excepted] > 0
	header := fmt.Sprintf("  %-*s %6s %5s %5s %5s %14s", scopeW, "", "Score", "FAIL", "WARN", "PASS", "NOT_EVALUATED")
	if excepted {
		header += fmt.Sprintf(" %9s", "EXCEPTED")
	}
	w.printf("%s\n", strings.TrimRight(header, " "))
	for _, r := range rows {
		t := r.t
		w.printf("  %s %s %s %s %5d %14d", pad(r.scope, scopeW), st.score(t.Score, fmt.Sprintf("%6s", formatScore(t.Score))),
			st.status(checks.Fail, t.Status[checks.Fail], fmt.Sprintf("%5d", t.Status[checks.Fail])),
			st.status(checks.Warn, t.Status[checks.Warn], fmt.Sprintf("%5d", t.Status[checks.Warn])),
			t.Status[checks.Pass], t.Status[checks.NotEvaluated])
		if excepted {
			w.printf(" %9d", t.Status[checks.Excepted])
		}
		w.printf("\n")
	}
	return w.err
}

// listing is what the table lists: the controls shown, and what the filters left out.
type listing struct {
	statuses []checks.Status // listed statuses
	min      checks.Severity
	shown    []checks.ControlReport
	// capped are the matching controls past MaxControls; below, those of a listed status
	// under MinSeverity.
	capped, below []checks.ControlReport
}

func listControls(rep *checks.Report, opts Options) listing {
	l := listing{statuses: opts.Statuses, min: opts.MinSeverity}
	if l.statuses == nil {
		l.statuses = []checks.Status{checks.Fail, checks.Warn}
	}
	var match []checks.ControlReport
	for _, g := range byLayer(rep.Controls) {
		for _, c := range g.controls {
			if !slices.Contains(l.statuses, c.Status) {
				continue
			}
			if l.min != "" && c.Severity.Rank() < l.min.Rank() {
				l.below = append(l.below, c)
				continue
			}
			match = append(match, c)
		}
	}
	// Most severe first; within a severity, in the order of checks.Statuses (FAIL first).
	sort.SliceStable(match, func(i, j int) bool {
		if a, b := match[i].Severity.Rank(), match[j].Severity.Rank(); a != b {
			return a > b
		}
		return statusRank(match[i].Status) < statusRank(match[j].Status)
	})
	limit := opts.MaxControls
	switch {
	case limit == 0:
		limit = DefaultMaxControls
	case limit < 0:
		limit = len(match)
	}
	if len(match) > limit {
		l.shown, l.capped = match[:limit], match[limit:]
	} else {
		l.shown = match
	}
	return l
}

func statusRank(s checks.Status) int {
	if i := slices.Index(checks.Statuses, s); i >= 0 {
		return i
	}
	return len(checks.Statuses)
}

// writeListing writes a line per shown control: severity, status, id, title, and its
// resources (count and the first few), or for a control with no resource at fault, why.
func writeListing(w *errWriter, l listing, st style, width int) {
	var what []string
	for _, s := range l.statuses {
		what = append(what, string(s))
	}
	heading := strings.Join(what, ", ") + " controls"
	if len(l.statuses) >= len(checks.Statuses) {
		heading = "Controls"
	}
	if l.min != "" && l.min != checks.Info {
		heading += ", severity " + string(l.min) + " or higher"
	}
	w.printf("\n%s, most severe first: %d\n", heading, len(l.shown)+len(l.capped))
	if len(l.shown) == 0 {
		w.printf("  none\n")
		return
	}
	sevW, statW, idW, titleW := len("SEVERITY"), len("STATUS"), len("CONTROL"), len("TITLE")
	for _, c := range l.shown {
		sevW = max(sevW, runewidth.StringWidth(string(c.Severity)))
		statW = max(statW, runewidth.StringWidth(string(c.Status)))
		idW = max(idW, runewidth.StringWidth(c.ID))
		titleW = max(titleW, runewidth.StringWidth(oneLine(c.Title)))
	}
	// The title gets at most half of what is left after the fixed columns, the resources
	// the rest (at least 20 cells).
	fixed := 2 + sevW + 2 + statW + 2 + idW + 2
	titleW = min(titleW, max(20, (width-fixed)/2), max(20, width-fixed-2-20))
	w.printf("  %s  %s  %s  %s  %s\n", pad("SEVERITY", sevW), pad("STATUS", statW), pad("CONTROL", idW), pad("TITLE", titleW), "RESOURCES")
	restW := max(10, width-fixed-titleW-2)
	for _, c := range l.shown {
		w.printf("  %s  %s  %s  %s  %s\n",
			st.severity(c.Severity, pad(string(c.Severity), sevW)),
			st.status(c.Status, 1, pad(string(c.Status), statW)),
			pad(c.ID, idW), pad(runewidth.Truncate(oneLine(c.Title), titleW, "…"), titleW),
			runewidth.Truncate(rowResources(c), restW, "…"))
	}
	if len(l.capped) > 0 {
		w.printf("%s\n", wrap(fmt.Sprintf("  … and %d more: %s (--max-controls -1 lists all)", len(l.capped), countBy(l.capped)), width, "    "))
	}
}

// rowResources is a control's resources cell: the results with the control's status, as a
// count and the first few, or the reason when the result is not about a resource.
func rowResources(c checks.ControlReport) string {
	var names []string
	n, reason := 0, ""
	for _, r := range c.Results {
		if r.Status != c.Status {
			continue
		}
		if r.Resource.Kind == "Cluster" && r.Resource.Name == "" {
			if reason == "" {
				reason = oneLine(r.Reason)
			}
			continue
		}
		n++
		if len(names) < resourcesPerRow {
			names = append(names, r.Resource.String())
		}
	}
	if n == 0 {
		return orDash(reason)
	}
	s := strings.Join(names, ", ")
	if n > len(names) {
		s += ", …"
	}
	return fmt.Sprintf("%d  %s", n, s)
}

// countBy counts controls by severity and status, most severe first: "3 medium FAIL, 1 low WARN".
func countBy(cs []checks.ControlReport) string {
	type key struct {
		sev    checks.Severity
		status checks.Status
	}
	counts := map[key]int{}
	var keys []key
	for _, c := range cs {
		k := key{c.Severity, c.Status}
		if counts[k] == 0 {
			keys = append(keys, k)
		}
		counts[k]++
	}
	sort.SliceStable(keys, func(i, j int) bool {
		if a, b := keys[i].sev.Rank(), keys[j].sev.Rank(); a != b {
			return a > b
		}
		return statusRank(keys[i].status) < statusRank(keys[j].status)
	})
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%d %s %s", counts[k], k.sev, k.status))
	}
	return strings.Join(parts, ", ")
}

// writeRest writes the one line that counts the controls not listed, by status, and says
// why those NOT_EVALUATED were not: grouped by the permission or input they lacked.
func writeRest(w *errWriter, rep *checks.Report, l listing, st style, width int) {
	counts := map[checks.Status]int{}
	var notEvaluated []checks.ControlReport
	for _, c := range rep.Controls {
		if slices.Contains(l.statuses, c.Status) {
			continue
		}
		counts[c.Status]++
		if c.Status == checks.NotEvaluated {
			notEvaluated = append(notEvaluated, c)
		}
	}
	var parts []string
	if len(l.below) > 0 {
		parts = append(parts, fmt.Sprintf("%d below %s (%s)", len(l.below), l.min, countBy(l.below)))
	}
	// Statuses this version does not know (a newer report's) come last, by name.
	order := slices.Clone(restOrder)
	for _, s := range slices.Sorted(maps.Keys(counts)) {
		if !slices.Contains(order, s) {
			order = append(order, s)
		}
	}
	for _, s := range order {
		n := counts[s]
		if n == 0 {
			continue
		}
		words, ok := statusWords[s]
		if !ok {
			words = string(s)
		}
		part := fmt.Sprintf("%d %s", n, words)
		if s == checks.NotEvaluated {
			part += " (" + notEvaluatedWhy(rep, notEvaluated) + ")"
		}
		parts = append(parts, st.status(s, n, part))
	}
	if len(parts) == 0 {
		return
	}
	w.printf("\n%s\n", wrap("Not listed: "+strings.Join(parts, " · "), width, "  "))
}

// restOrder is the order of the statuses in the line of controls not listed.
var restOrder = []checks.Status{checks.Pass, checks.NotEvaluated, checks.Manual, checks.NotApplicable, checks.Excepted, checks.Fail, checks.Warn}

// statusWords name the statuses in the line of controls not listed.
var statusWords = map[checks.Status]string{
	checks.Pass: "passed", checks.Fail: "failed", checks.Warn: "warned", checks.NotEvaluated: "not evaluated",
	checks.Manual: "manual", checks.NotApplicable: "not applicable", checks.Excepted: "excepted",
}

// maxReasons is how many reasons the line of controls not listed gives.
const maxReasons = 3

// notEvaluatedWhy groups NOT_EVALUATED controls by what they lacked, largest group first:
// a resource the collector could not read (with the permission when it was forbidden), else
// the first clause of the control's reason.
func notEvaluatedWhy(rep *checks.Report, cs []checks.ControlReport) string {
	need := map[string]string{}
	for _, n := range rep.NotCollected {
		why := fmt.Sprintf("%s %s", n.Resource, n.State)
		if n.State == snapshot.Failed {
			why = fmt.Sprintf("could not read %s", n.Resource)
		}
		if n.Permission != "" {
			why = "need `" + n.Permission + "`"
		}
		for _, id := range n.Controls {
			if _, ok := need[id]; !ok {
				need[id] = why
			}
		}
	}
	counts := map[string]int{}
	var order []string
	for _, c := range cs {
		why, ok := need[c.ID]
		if !ok {
			why = "no reason given"
			for _, r := range c.Results {
				if r.Status == checks.NotEvaluated && r.Reason != "" {
					why = firstClause(r.Reason)
					break
				}
			}
		}
		if counts[why] == 0 {
			order = append(order, why)
		}
		counts[why]++
	}
	sort.SliceStable(order, func(i, j int) bool { return counts[order[i]] > counts[order[j]] })
	var parts []string
	for i, why := range order {
		if i == maxReasons && len(order) > maxReasons+1 {
			rest := 0
			for _, o := range order[i:] {
				rest += counts[o]
			}
			parts = append(parts, fmt.Sprintf("%d for %d other reasons (--status not_evaluated lists them)", rest, len(order)-i))
			break
		}
		parts = append(parts, fmt.Sprintf("%d %s", counts[why], why))
	}
	return strings.Join(parts, "; ")
}

// firstClause shortens a reason to its first clause: up to a colon, semicolon or full stop.
func firstClause(s string) string {
	s = oneLine(s)
	if i := strings.IndexAny(s, ":;"); i > 0 {
		s = s[:i]
	}
	if i := strings.Index(s, ". "); i > 0 {
		s = s[:i]
	}
	return strings.TrimSuffix(s, ".")
}

// fit cuts a line to width cells.
func fit(s string, width int) string {
	return runewidth.Truncate(s, width, "…")
}

// pad pads s with spaces to width cells.
func pad(s string, width int) string {
	return runewidth.FillRight(s, width)
}

// wrap breaks s at spaces into lines of at most width cells, continuation lines indented.
func wrap(s string, width int, prefix string) string {
	var b strings.Builder
	line := 0
	for i, word := range strings.Split(s, " ") {
		ww := runewidth.StringWidth(stripANSI(word))
		if i > 0 {
			if line+1+ww > width {
				b.WriteString("\n" + prefix)
				line = runewidth.StringWidth(prefix)
			} else {
				b.WriteString(" ")
				line++
			}
		}
		b.WriteString(word)
		line += ww
	}
	return b.String()
}

// style colours the table's statuses, severities and scores, or leaves them plain.
type style struct{ on bool }

func newStyle(on bool) style { return style{on: on} }

var (
	statusColors = map[checks.Status]*color.Color{
		checks.Fail: color.New(color.FgRed, color.Bold), checks.Warn: color.New(color.FgYellow),
		checks.Pass: color.New(color.FgGreen), checks.NotEvaluated: color.New(color.FgMagenta),
		checks.Excepted: color.New(color.FgCyan),
	}
	severityColors = map[checks.Severity]*color.Color{
		checks.Critical: color.New(color.FgHiRed, color.Bold), checks.High: color.New(color.FgRed),
		checks.Medium: color.New(color.FgYellow), checks.Low: color.New(color.FgCyan),
	}
)

func init() {
	// The caller decides (a TTY, --color, NO_COLOR): never the library's own guess.
	for _, c := range statusColors {
		c.EnableColor()
	}
	for _, c := range severityColors {
		c.EnableColor()
	}
}

// status colours text by status; a count of zero stays plain.
func (s style) status(st checks.Status, n int, text string) string {
	if c := statusColors[st]; s.on && n > 0 && c != nil {
		return c.Sprint(text)
	}
	return text
}

func (s style) severity(sev checks.Severity, text string) string {
	if c := severityColors[sev]; s.on && c != nil {
		return c.Sprint(text)
	}
	return text
}

// score colours a score red below 50, yellow below 80, green from 80.
func (s style) score(v float64, text string) string {
	if !s.on || v < 0 {
		return text
	}
	switch {
	case v < 50:
		return statusColors[checks.Fail].Sprint(text)
	case v < 80:
		return statusColors[checks.Warn].Sprint(text)
	}
	return statusColors[checks.Pass].Sprint(text)
}

// stripANSI removes colour sequences, to measure a coloured word.
func stripANSI(s string) string {
	for {
		i := strings.Index(s, "\x1b[")
		if i < 0 {
			return s
		}
		j := strings.IndexByte(s[i:], 'm')
		if j < 0 {
			return s
		}
		s = s[:i] + s[i+j+1:]
	}
}

type layerGroup struct {
	layer    checks.Layer
	controls []checks.ControlReport
}

// byLayer groups controls by layer in checks.Layers order, keeping the report's order within
// a layer; controls of a layer this version does not know come last, by layer name.
func byLayer(controls []checks.ControlReport) []layerGroup {
	idx := map[checks.Layer]int{}
	var groups []layerGroup
	for _, l := range checks.Layers {
		idx[l] = len(groups)
		groups = append(groups, layerGroup{layer: l})
	}
	for _, c := range controls {
		i, ok := idx[c.Layer]
		if !ok {
			i = len(groups)
			idx[c.Layer] = i
			groups = append(groups, layerGroup{layer: c.Layer})
		}
		groups[i].controls = append(groups[i].controls, c)
	}
	extra := groups[len(checks.Layers):]
	sort.SliceStable(extra, func(i, j int) bool { return extra[i].layer < extra[j].layer })
	var out []layerGroup
	for _, g := range groups {
		if len(g.controls) > 0 {
			out = append(out, g)
		}
	}
	return out
}

func layerTitle(l checks.Layer) string {
	switch l {
	case checks.ControlPlane:
		return "Control plane"
	case checks.Node:
		return "Node"
	case checks.Workload:
		return "Workload"
	case checks.Network:
		return "Network"
	}
	return "Layer " + string(l)
}

// findingCounts renders a control's result counts, worst first: "3 FAIL / 40 PASS".
func findingCounts(counts map[checks.Status]int) string {
	var parts []string
	seen := map[checks.Status]bool{}
	for _, s := range checks.Statuses {
		seen[s] = true
		if n := counts[s]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, s))
		}
	}
	var other []string
	for s, n := range counts {
		if !seen[s] && n > 0 {
			other = append(other, fmt.Sprintf("%d %s", n, s))
		}
	}
	sort.Strings(other)
	parts = append(parts, other...)
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, " / ")
}

// findingStatuses are the control statuses the Findings section lists, in its order.
var findingStatuses = []checks.Status{checks.Fail, checks.Warn, checks.NotEvaluated}

// writeFindings writes the evidence of the listed controls' results that have the control's
// status (--details), up to max resources each.
func writeFindings(w *errWriter, listed []checks.ControlReport, max int) {
	for _, c := range listed {
		w.printf("\n%s [%s, %s] %s\n", c.ID, c.Status, c.Severity, oneLine(c.Title))
		if len(c.References.CIS) > 0 {
			w.printf("  CIS %s\n", strings.Join(c.References.CIS, ", "))
		}
		var shown []checks.Result
		for _, r := range c.Results {
			if r.Status == c.Status {
				shown = append(shown, r)
			}
		}
		more := 0
		if len(shown) > max {
			more = len(shown) - max
			shown = shown[:max]
		}
		for _, r := range shown {
			writeResult(w, r)
		}
		if more > 0 {
			w.printf("  … and %d more (see --format json)\n", more)
		}
	}
}

// sortBySeverity orders controls most severe first, keeping their order otherwise.
func sortBySeverity(cs []checks.ControlReport) {
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].Severity.Rank() > cs[j].Severity.Rank() })
}

func writeResult(w *errWriter, r checks.Result) {
	if r.Status == checks.NotEvaluated && r.Resource.Kind == "Cluster" && r.Resource.Name == "" {
		w.printf("  - not evaluated: %s\n", indent(r.Reason, "    "))
		return
	}
	w.printf("  - %s %s\n", r.Status, r.Resource)
	for _, f := range [][2]string{
		{"observed", r.Evidence.Observed},
		{"expected", r.Evidence.Expected},
		{"where", r.Evidence.Where},
		{"reason", r.Reason},
	} {
		if f[1] != "" {
			w.printf("      %-9s %s\n", f[0]+":", indent(f[1], "                "))
		}
	}
}

// orderedKeys returns m's keys in the order of known, then the others sorted.
func orderedKeys[K ~string, V any](m map[K]V, known []K) []K {
	var out []K
	seen := map[K]bool{}
	for _, k := range known {
		seen[k] = true
		if _, ok := m[k]; ok {
			out = append(out, k)
		}
	}
	var rest []K
	for k := range m {
		if !seen[k] {
			rest = append(rest, k)
		}
	}
	sort.Slice(rest, func(i, j int) bool { return rest[i] < rest[j] })
	return append(out, rest...)
}

func formatScore(s float64) string {
	if s < 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.1f", s)
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "-"
	}
	return s
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// oneLine folds a value onto one line, for table cells and headings.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// indent makes the continuation lines of a multi-line value start with prefix.
func indent(s, prefix string) string {
	s = strings.TrimRight(s, "\n")
	return strings.ReplaceAll(s, "\n", "\n"+prefix)
}
