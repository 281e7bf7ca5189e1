package report

import (
	"bufio"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"slices"
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

var htmlTemplate = template.Must(template.New("report").Funcs(template.FuncMap{"wrap": wrapHTML}).Parse(htmlTemplateText))

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
	NotCollected []htmlNotCollected
	Frameworks   []htmlFramework
	// TotalBand is the class of the total score's colour band, Bands the scale's legend;
	// ScoresLabel says every score in words, for readers who do not see the chart.
	TotalBand, ScoresLabel string
	Bands                  []htmlBand
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

// htmlBand is one colour band of the score scale, for the legend.
type htmlBand struct {
	Class, Label string
}

// scoreBands are the score scale's bands, from red (0) to green (100), each colour at least
// 3:1 against the chart's track and the page, so that a bar stands out whatever its band; the
// value is always written beside the bar as well.
var scoreBands = []htmlBand{{"band-0", "0–19"}, {"band-1", "20–39"}, {"band-2", "40–59"}, {"band-3", "60–79"}, {"band-4", "80–100"}}

// scoreBand is the class of a score's band; a score of n/a (negative) has none.
func scoreBand(score float64) string {
	if score < 0 {
		return "na"
	}
	i := min(int(score)/20, len(scoreBands)-1)
	return scoreBands[i].Class
}

// htmlNotCollected is one thing the collector could not read, in plain words, with the
// controls it left NOT_EVALUATED and the client's error.
type htmlNotCollected struct {
	What, Why, Fix string
	Controls       []htmlRef
	Raw            string
}

// htmlRef links to a control's section.
type htmlRef struct {
	ID, Anchor string
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

	// Scores: one bar per layer, per framework, and the total, coloured by value.
	var said []string
	score := func(label string, t checks.Tally) {
		b := htmlBar{Label: label, Value: formatScore(t.Score) + fmt.Sprintf(" (%d evaluated)", t.Evaluated), Class: scoreBand(t.Score)}
		if t.Score >= 0 {
			b.Width = int(t.Score * barWidth / 100)
		}
		p.Scores = append(p.Scores, b)
		said = append(said, label+" "+formatScore(t.Score))
	}
	for _, l := range orderedKeys(rep.Summary.ByLayer, checks.Layers) {
		score(string(l), rep.Summary.ByLayer[l])
	}
	for _, f := range orderedKeys(rep.Summary.ByFramework, checks.Frameworks) {
		score(string(f), rep.Summary.ByFramework[f])
	}
	score("total", rep.Summary.Total)
	p.ScoreHeight = layoutBars(p.Scores, 100)
	p.ScoresLabel = "Score by layer and framework, out of 100: " + strings.Join(said, ", ")
	p.TotalBand, p.Bands = scoreBand(rep.Summary.Total.Score), scoreBands

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
		hn := htmlNotCollected{Raw: fmt.Sprintf("%s %s: %s", n.Resource, n.State, orDash(n.Message))}
		hn.What, hn.Why, hn.Fix = notCollectedWords(n)
		for _, id := range n.Controls {
			hn.Controls = append(hn.Controls, htmlRef{ID: id, Anchor: anchor(id)})
		}
		p.NotCollected = append(p.NotCollected, hn)
	}
	p.Exceptions = htmlExceptions(rep)
	p.Frameworks = htmlFrameworks(rep)
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

// htmlFramework is a framework's part of the view by framework: its items in the framework's
// order, under its section headings.
type htmlFramework struct {
	ID, Title, Note string
	Groups          []htmlFwGroup
}

// htmlFwGroup is a heading of the view by framework and the items under it: Level 4 a
// section, 5 a subsection. Break starts a new page in print; Empty is said of a section none
// of whose items a selected control checks.
type htmlFwGroup struct {
	Level        int
	ID, Title    string
	Break        bool
	Items        []htmlFwItem
	Empty        string
	hasSubgroups bool
}

// htmlFwItem is a framework item with the controls that check it; Status is the worst of
// theirs, so that an item one control fails is failed.
type htmlFwItem struct {
	ID       string
	Status   checks.Status
	Controls []htmlFwControl
	// Several: more than one control checks the item, each shown with its own status.
	Several bool
}

type htmlFwControl struct {
	ID, Anchor, Title string
	Status            checks.Status
}

// cisSections are the sections of the CIS Kubernetes Benchmark 1.12, in order.
var cisSections = []struct{ ID, Title string }{
	{"1", "Control Plane Components"},
	{"1.1", "Control Plane Node Configuration Files"},
	{"1.2", "API Server"},
	{"1.3", "Controller Manager"},
	{"1.4", "Scheduler"},
	{"2", "Etcd Node Configuration"},
	{"3", "Control Plane Configuration"},
	{"3.1", "Authentication and Authorization"},
	{"3.2", "Logging"},
	{"4", "Worker Nodes"},
	{"4.1", "Worker Node Configuration Files"},
	{"4.2", "Kubelet"},
	{"4.3", "kube-proxy"},
	{"5", "Policies"},
	{"5.1", "RBAC and Service Accounts"},
	{"5.2", "Pod Security Standards"},
	{"5.3", "Network Policies and CNI"},
	{"5.4", "Secrets Management"},
	{"5.5", "Extensible Admission Control"},
	{"5.6", "General Policies"},
}

const noControl = "No selected control checks an item of this section."

// htmlFrameworks builds the view by framework for the frameworks the scan selected that a
// control claims: CIS by section, then the Pod Security Standards by level, then NSA/CISA, then
// MITRE ATT&CK.
func htmlFrameworks(rep *checks.Report) []htmlFramework {
	var out []htmlFramework
	sel := selectedFrameworks(rep.Selection)
	has := func(f checks.Framework) bool { return slices.Contains(sel, f) }
	if items := frameworkItems(rep.Controls, checks.CIS, nil); has(checks.CIS) && len(items) > 0 {
		out = append(out, htmlFramework{ID: "fw-cis", Title: frameworkTitle(checks.CIS),
			Note: "Every section of the benchmark in order, each recommendation with the controls that check it.", Groups: cisGroups(items)})
	}
	if has(checks.PSSBaseline) || has(checks.PSSRestricted) {
		fw := htmlFramework{ID: "fw-pss", Title: "Pod Security Standards", Note: "The checks of each level, as k8s.io/pod-security-admission names them."}
		n := 0
		for _, level := range []string{"baseline", "restricted"} {
			if level == "restricted" && !has(checks.PSSRestricted) {
				continue
			}
			items := frameworkItems(rep.Controls, checks.PSSRestricted, func(c *checks.Control) bool { return c.References.PSSLevel == level })
			g := htmlFwGroup{Level: 4, ID: "pss-" + level, Title: strings.ToUpper(level[:1]) + level[1:], Items: htmlFwItems(items)}
			if len(items) == 0 {
				g.Empty = "No selected control checks this level."
			}
			n += len(items)
			fw.Groups = append(fw.Groups, g)
		}
		if n > 0 {
			out = append(out, fw)
		}
	}
	if items := frameworkItems(rep.Controls, checks.NSA, nil); has(checks.NSA) && len(items) > 0 {
		out = append(out, htmlFramework{ID: "fw-nsa", Title: frameworkTitle(checks.NSA),
			Groups: []htmlFwGroup{{Level: 4, ID: "nsa-areas", Title: "Areas", Items: htmlFwItems(items)}}})
	}
	if items := frameworkItems(rep.Controls, checks.MITRE, nil); has(checks.MITRE) && len(items) > 0 {
		out = append(out, htmlFramework{ID: "fw-mitre", Title: frameworkTitle(checks.MITRE),
			Note:   "Each technique with the controls that mitigate or detect it (checks/mitre.go, docs/crosswalk.md).",
			Groups: []htmlFwGroup{{Level: 4, ID: "mitre-techniques", Title: "Techniques", Items: htmlFwItems(items)}}})
	}
	return out
}

// cisGroups lays out every CIS section heading in order, each recommendation under the
// deepest section it belongs to; one outside the known sections goes under "Other".
func cisGroups(items []frameworkItem) []htmlFwGroup {
	groups := make([]htmlFwGroup, len(cisSections))
	index := map[string]int{}
	for i, sec := range cisSections {
		level := 4
		if strings.Contains(sec.ID, ".") {
			level = 5
			groups[index[sec.ID[:strings.Index(sec.ID, ".")]]].hasSubgroups = true
		}
		groups[i] = htmlFwGroup{Level: level, ID: "cis-" + sec.ID, Title: sec.ID + " " + sec.Title, Break: level == 4 && i > 0}
		index[sec.ID] = i
	}
	var other []frameworkItem
	for _, it := range items {
		sec := it.ID
		for {
			dot := strings.LastIndex(sec, ".")
			if dot < 0 {
				sec = ""
				break
			}
			sec = sec[:dot]
			if _, ok := index[sec]; ok {
				break
			}
		}
		if i, ok := index[sec]; ok {
			groups[i].Items = append(groups[i].Items, htmlFwItems([]frameworkItem{it})...)
		} else {
			other = append(other, it)
		}
	}
	for i := range groups {
		if len(groups[i].Items) == 0 && !groups[i].hasSubgroups {
			groups[i].Empty = noControl
		}
	}
	if len(other) > 0 {
		groups = append(groups, htmlFwGroup{Level: 4, ID: "cis-other", Title: "Other recommendations", Break: true, Items: htmlFwItems(other)})
	}
	return groups
}

func htmlFwItems(items []frameworkItem) []htmlFwItem {
	out := make([]htmlFwItem, 0, len(items))
	for _, it := range items {
		hi := htmlFwItem{ID: it.ID, Status: it.Controls[0].Status}
		for _, c := range it.Controls {
			hi.Controls = append(hi.Controls, htmlFwControl{ID: c.ID, Anchor: anchor(c.ID), Title: c.Title, Status: c.Status})
			// checks.Statuses is worst first; a status it does not know ranks last.
			if i, j := slices.Index(checks.Statuses, c.Status), slices.Index(checks.Statuses, hi.Status); i >= 0 && (j < 0 || i < j) {
				hi.Status = c.Status
			}
		}
		hi.Several = len(hi.Controls) > 1
		out = append(out, hi)
	}
	return out
}

// wrapHTML escapes s for HTML text as html/template does, and lets it wrap at word and path
// boundaries, so that a line breaks at "spec.template.|spec", "Pod/|shop/|web" or
// "automount|Service|Account|Token", never inside "spec" or "admin-tool": a <wbr> follows a
// '/', ',', ':', ';' or '=' that text follows, a '.' or '_' that a letter follows (not in
// "1.2.3" or "v1.33.1"), and a lower-case letter that an upper-case one follows. A run of
// maxUnbroken characters with no such point (a digest, a key) may break after each
// maxUnbroken, so that it does not widen its column past the page.
func wrapHTML(s string) template.HTML {
	var b strings.Builder
	b.Grow(len(s) + len(s)/4)
	run := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '"':
			b.WriteString("&#34;")
		case '\'':
			b.WriteString("&#39;")
		case '+':
			b.WriteString("&#43;")
		case 0:
			b.WriteString("\uFFFD")
		default:
			b.WriteByte(c)
		}
		if i+1 == len(s) {
			break
		}
		next := s[i+1]
		var brk bool
		switch {
		case c == '/' || c == ',' || c == ':' || c == ';' || c == '=':
			brk = next != ' ' && next != '/' && next != c
		case c == '.' || c == '_':
			brk = isLetter(next)
		case c >= 'a' && c <= 'z':
			brk = next >= 'A' && next <= 'Z'
		}
		run++
		if c == ' ' || c == '-' || c == '\t' || c == '\n' {
			run = 0
		}
		if !brk && run >= maxUnbroken && c < 0x80 && next < 0x80 && next != ' ' {
			brk = true
		}
		if brk {
			b.WriteString("<wbr>")
			run = 0
		}
	}
	return template.HTML(b.String())
}

// maxUnbroken is the longest run of characters wrapHTML leaves without a break opportunity.
const maxUnbroken = 24

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
