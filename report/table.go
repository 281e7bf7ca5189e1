package report

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/kubeposture/kubeposture/checks"
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

func writeTable(out io.Writer, rep *checks.Report, opts Options) error {
	w := &errWriter{w: out}
	writeHeader(w, rep)
	groups := byLayer(rep.Controls)
	for _, g := range groups {
		w.printf("\n%s (%s)\n", layerTitle(g.layer), plural(len(g.controls), "control"))
		var rows [][]string
		for _, c := range g.controls {
			rows = append(rows, []string{c.ID, orDash(strings.Join(c.References.CIS, ", ")), string(c.Severity), string(c.Status), oneLine(c.Title), findingCounts(c.Counts)})
		}
		if err := render(newTable(w, []string{"Control", "CIS", "Severity", "Status", "Title", "Findings"}, map[int]int{1: idsWidth, 4: titleWidth}), rows); err != nil {
			return err
		}
	}
	if len(groups) == 0 {
		w.printf("\nNo control was selected.\n")
	}
	writeFindings(w, rep, opts.maxResources())
	writeExceptionsText(w, rep, "\nExceptions\n", func(l string) string { return "  - " + indent(l, "    ") })
	writeNotCollected(w, rep)
	if err := writeSummary(w, rep); err != nil {
		return err
	}
	return w.err
}

func writeHeader(w *errWriter, rep *checks.Report) {
	w.printf("kubeposture audit report\n\n")
	fields := [][2]string{
		{"Cluster server", rep.Cluster.Server},
		{"Version", rep.Cluster.Version},
		{"Provider", string(rep.Cluster.Provider)},
		{"Cluster UID", rep.Cluster.UID},
		{"Collected at", formatTime(rep.CollectedAt)},
		{"Generated at", formatTime(rep.GeneratedAt)},
		{"Tool version", rep.ToolVersion},
	}
	sel := rep.Selection
	for _, f := range [][2]string{
		{"Frameworks", formatNames(sel.Frameworks)},
		{"Layers", formatNames(sel.Layers)},
		{"Controls", strings.Join(sel.Controls, ", ")},
		{"Namespaces", strings.Join(sel.Namespaces, ", ")},
	} {
		if f[1] != "" {
			fields = append(fields, f)
		}
	}
	for _, f := range fields {
		w.printf("  %-16s %s\n", f[0]+":", orDash(oneLine(f[1])))
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

func writeFindings(w *errWriter, rep *checks.Report, max int) {
	listed := findingControls(rep)
	w.printf("\nFindings\n")
	if len(listed) == 0 {
		w.printf("\n  No control failed, warned or went unevaluated.\n")
		return
	}
	for _, c := range listed {
		w.printf("\n%s [%s, %s] %s\n", c.ID, c.Status, c.Severity, oneLine(c.Title))
		if len(c.References.CIS) > 0 {
			w.printf("  CIS %s\n", strings.Join(c.References.CIS, ", "))
		}
		var shown []checks.Result
		for _, r := range c.Results {
			if r.Status == checks.Fail || r.Status == checks.Warn || r.Status == checks.NotEvaluated {
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
			w.printf("  … and %d more (see --output json)\n", more)
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

func writeNotCollected(w *errWriter, rep *checks.Report) {
	if len(rep.NotCollected) == 0 {
		return
	}
	nc := append([]checks.NotCollected(nil), rep.NotCollected...)
	sort.SliceStable(nc, func(i, j int) bool { return nc[i].Resource < nc[j].Resource })
	w.printf("\nNot collected (the controls that need these are NOT_EVALUATED)\n\n")
	for _, n := range nc {
		line := fmt.Sprintf("%s %s", n.Resource, n.State)
		if n.Message != "" {
			line += ": " + n.Message
		}
		if n.Permission != "" {
			line += "\nmissing permission: " + n.Permission
		}
		if len(n.Controls) > 0 {
			line += "\nleft NOT_EVALUATED: " + strings.Join(n.Controls, ", ")
		}
		w.printf("  - %s\n", indent(line, "    "))
	}
}

func writeSummary(w *errWriter, rep *checks.Report) error {
	w.printf("\nSummary (score = 100 × (PASS + ½ WARN) / (PASS + WARN + FAIL))\n")
	var rows [][]string
	header := []string{"Scope", "Controls", "PASS", "FAIL", "WARN", "NOT_EVALUATED", "Score"}
	// EXCEPTED controls are out of the score: a column says how many, when there are any.
	excepted := rep.Summary.Total.Status[checks.Excepted] > 0
	if excepted {
		header = slices.Insert(header, 6, "EXCEPTED")
	}
	row := func(scope string, t checks.Tally) {
		r := []string{scope, fmt.Sprint(t.Controls),
			fmt.Sprint(t.Status[checks.Pass]), fmt.Sprint(t.Status[checks.Fail]),
			fmt.Sprint(t.Status[checks.Warn]), fmt.Sprint(t.Status[checks.NotEvaluated]),
			formatScore(t.Score)}
		if excepted {
			r = slices.Insert(r, 6, fmt.Sprint(t.Status[checks.Excepted]))
		}
		rows = append(rows, r)
	}
	sum := rep.Summary
	for _, l := range orderedKeys(sum.ByLayer, checks.Layers) {
		row("layer "+string(l), sum.ByLayer[l])
	}
	for _, f := range orderedKeys(sum.ByFramework, checks.Frameworks) {
		row("framework "+string(f), sum.ByFramework[f])
	}
	row("total", sum.Total)
	if err := render(newTable(w, header, nil), rows); err != nil {
		return err
	}
	return nil
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
