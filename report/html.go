package report

import (
	"bufio"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"sort"
	"strings"

	"github.com/kubeposture/kubeposture/checks"
)

// The HTML report is one file with everything inline (CSS, SVG charts, a little plain
// JavaScript for the filters), so that it opens in an air-gapped browser and can be attached
// to a ticket. Without JavaScript every control and result is shown and the filters stay
// hidden. Each control's results are folded in a <details> element, open only when the
// control fails or warns on a few resources, so that a report of 50,000 results stays
// readable: a closed <details> is not laid out until opened.

//go:embed html.tmpl
var htmlTemplateText string

var htmlTemplate = template.Must(template.New("report").Parse(htmlTemplateText))

// openResultsUpTo is how many results a failing or warning control may have and still be
// shown unfolded.
const openResultsUpTo = 10

// svg chart geometry: a label column, then bars up to barWidth pixels.
const (
	labelWidth = 130
	barWidth   = 300
	barHeight  = 22
)

type htmlPage struct {
	Title        string
	Cluster      [][2]string
	Total        checks.Tally
	TotalScore   string
	Scores       []htmlBar
	Severities   []htmlBar
	Statuses     []htmlBar
	Layers       []string
	SeverityList []string
	StatusList   []string
	Namespaces   []string
	Controls     []htmlControl
	Results      int
	NotCollected []string
	// Exceptions: the expired, unmatched and invalid ones (title, lines).
	Exceptions [][]string
	// The heights of the SVG charts, by their numbers of bars.
	ScoreHeight, SeverityHeight, StatusHeight int
}

// htmlBar is one bar of a chart: Y its top, Width its length in pixels.
type htmlBar struct {
	Label, Value, Class string
	Y, Width            int
}

type htmlControl struct {
	checks.ControlReport
	Anchor     string
	Counts     string
	Refs       []string
	Open       bool
	Namespaces string
	Rows       []htmlRow
}

type htmlRow struct {
	Status                    checks.Status
	Resource, Namespace       string
	Observed, Expected, Where string
	Reason                    string
}

func buildHTML(rep *checks.Report) htmlPage {
	p := htmlPage{Title: "kubeposture audit: " + orDash(clusterName(rep)), Total: rep.Summary.Total,
		TotalScore: formatScore(rep.Summary.Total.Score)}
	for _, f := range [][2]string{
		{"Cluster server", rep.Cluster.Server}, {"Cluster UID", rep.Cluster.UID},
		{"Kubernetes version", rep.Cluster.Version}, {"Provider", string(rep.Cluster.Provider)},
		{"Collected at", formatTime(rep.CollectedAt)}, {"Generated at", formatTime(rep.GeneratedAt)},
		{"Tool version", rep.ToolVersion},
		{"Frameworks", formatNames(rep.Selection.Frameworks)}, {"Layers", formatNames(rep.Selection.Layers)},
		{"Controls", strings.Join(rep.Selection.Controls, ", ")}, {"Namespaces", strings.Join(rep.Selection.Namespaces, ", ")},
	} {
		if f[1] != "" || f[0] == "Cluster server" || f[0] == "Cluster UID" {
			p.Cluster = append(p.Cluster, [2]string{f[0], orDash(f[1])})
		}
	}

	// Scores: one bar per layer, per framework, and the total.
	score := func(label string, t checks.Tally) {
		b := htmlBar{Label: label, Value: formatScore(t.Score) + fmt.Sprintf(" (%d evaluated)", t.Evaluated), Class: "score"}
		if t.Score >= 0 {
			b.Width = int(t.Score * barWidth / 100)
		} else {
			b.Class = "na"
		}
		p.Scores = append(p.Scores, b)
	}
	for _, l := range orderedKeys(rep.Summary.ByLayer, checks.Layers) {
		score(string(l), rep.Summary.ByLayer[l])
	}
	for _, f := range orderedKeys(rep.Summary.ByFramework, checks.Frameworks) {
		score(string(f), rep.Summary.ByFramework[f])
	}
	score("total", rep.Summary.Total)
	p.ScoreHeight = layoutBars(p.Scores, 100)

	maxFail := 0
	for _, s := range checks.Severities {
		maxFail = max(maxFail, rep.Summary.Total.Failures[s])
	}
	for _, s := range checks.Severities {
		n := rep.Summary.Total.Failures[s]
		p.Severities = append(p.Severities, htmlBar{Label: string(s), Value: fmt.Sprint(n), Class: "sev-" + string(s), Width: n})
		p.SeverityList = append(p.SeverityList, string(s))
	}
	p.SeverityHeight = layoutBars(p.Severities, maxFail)

	maxStatus := 0
	for _, s := range checks.Statuses {
		maxStatus = max(maxStatus, rep.Summary.Total.Status[s])
	}
	for _, s := range checks.Statuses {
		n := rep.Summary.Total.Status[s]
		p.Statuses = append(p.Statuses, htmlBar{Label: string(s), Value: fmt.Sprint(n), Class: "st-" + string(s), Width: n})
		p.StatusList = append(p.StatusList, string(s))
	}
	p.StatusHeight = layoutBars(p.Statuses, maxStatus)

	for _, g := range byLayer(rep.Controls) {
		p.Layers = append(p.Layers, string(g.layer))
	}

	namespaces := map[string]bool{}
	for _, c := range orderedControls(rep) {
		hc := htmlControl{ControlReport: c, Anchor: anchor(c.ID), Counts: findingCounts(c.Counts), Refs: refLines(c.Control)}
		bad := c.Counts[checks.Fail] + c.Counts[checks.Warn]
		hc.Open = (c.Status == checks.Fail || c.Status == checks.Warn) && bad <= openResultsUpTo || len(c.Results) == 1
		seen := map[string]bool{}
		var nss []string
		for _, r := range c.Results {
			hc.Rows = append(hc.Rows, htmlRow{Status: r.Status, Resource: r.Resource.String(), Namespace: r.Resource.Namespace,
				Observed: r.Evidence.Observed, Expected: r.Evidence.Expected, Where: r.Evidence.Where, Reason: strings.TrimSpace(r.Reason + " " + exceptionText(r))})
			if ns := r.Resource.Namespace; ns != "" && !seen[ns] {
				seen[ns] = true
				nss = append(nss, ns)
				namespaces[ns] = true
			}
		}
		hc.Namespaces = strings.Join(nss, " ")
		p.Results += len(c.Results)
		p.Controls = append(p.Controls, hc)
	}
	for ns := range namespaces {
		p.Namespaces = append(p.Namespaces, ns)
	}
	sort.Strings(p.Namespaces)
	for _, n := range rep.NotCollected {
		line := fmt.Sprintf("%s: %s", n.Resource, n.State)
		if n.Message != "" {
			line += ": " + n.Message
		}
		p.NotCollected = append(p.NotCollected, line)
	}
	p.Exceptions = htmlExceptions(rep)
	return p
}

// layoutBars scales the bars' widths (given in units of maxValue) to pixels, places them one
// under the other, and returns the chart's height.
func layoutBars(bars []htmlBar, maxValue int) int {
	for i := range bars {
		bars[i].Y = i * (barHeight + 6)
		if maxValue > 0 && maxValue != 100 {
			bars[i].Width = bars[i].Width * barWidth / maxValue
		}
		if bars[i].Width == 0 && bars[i].Value != "0" && bars[i].Class != "na" {
			bars[i].Width = 1
		}
	}
	return len(bars) * (barHeight + 6)
}

// orderedControls lists every control: the findings first (FAIL, WARN, NOT_EVALUATED, most
// severe first), then MANUAL, PASS and NOT_APPLICABLE ones, in layer and catalog order.
func orderedControls(rep *checks.Report) []checks.ControlReport {
	out := findingControls(rep)
	for _, s := range []checks.Status{checks.Manual, checks.Excepted, checks.Pass, checks.NotApplicable} {
		for _, g := range byLayer(rep.Controls) {
			for _, c := range g.controls {
				if c.Status == s {
					out = append(out, c)
				}
			}
		}
	}
	// A status this version does not know is still shown, last.
	known := map[checks.Status]bool{}
	for _, s := range checks.Statuses {
		known[s] = true
	}
	for _, c := range rep.Controls {
		if !known[c.Status] {
			out = append(out, c)
		}
	}
	return out
}

func writeHTML(w io.Writer, rep *checks.Report) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if err := htmlTemplate.Execute(bw, buildHTML(rep)); err != nil {
		return fmt.Errorf("report: html: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("report: html: %w", err)
	}
	return nil
}

// chartWidth is the width of every SVG chart: the label column, the bars, and room for the
// value after the longest bar.
const chartWidth = labelWidth + barWidth + 140

// The geometry is passed to the template as methods so that it stays in one place.
func (htmlPage) BarX() int       { return labelWidth }
func (htmlPage) ChartWidth() int { return chartWidth }
func (htmlPage) BarHeight() int  { return barHeight }
func (htmlPage) TextDY() int     { return barHeight/2 + 5 }
