package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/kubeposture/kubeposture/checks"
)

// writeMarkdown writes a summary short enough for a pull-request comment or a ticket: the
// cluster, the scores, failures by severity, and the failing and warning controls with up to
// opts.MaxResources resources each (folded in <details>, which GitHub and GitLab render).
func writeMarkdown(out io.Writer, rep *checks.Report, opts Options) error {
	w := &errWriter{w: out}
	t := rep.Summary.Total
	w.printf("## kubeposture audit: %s\n\n", mdCell(orDash(clusterName(rep))))
	w.printf("Kubernetes %s (%s), collected %s, report generated %s by kubeposture %s.\n\n",
		mdCell(orDash(rep.Cluster.Version)), mdCell(string(rep.Cluster.Provider)), orDash(formatTime(rep.CollectedAt)),
		orDash(formatTime(rep.GeneratedAt)), mdCell(orDash(rep.ToolVersion)))
	w.printf("**Score %s** over %s; %d FAIL, %d WARN, %d NOT_EVALUATED, %d PASS.\n\n",
		formatScore(t.Score), plural(t.Evaluated, "evaluated control"),
		t.Status[checks.Fail], t.Status[checks.Warn], t.Status[checks.NotEvaluated], t.Status[checks.Pass])

	w.printf("| Failing resources by severity | %s |\n| --- |%s\n| count |", strings.Join(sevNames(), " | "), strings.Repeat(" --- |", len(checks.Severities)))
	for _, s := range checks.Severities {
		w.printf(" %d |", t.Failures[s])
	}
	w.printf("\n\n| Scope | Controls | PASS | FAIL | WARN | NOT_EVALUATED | Score |\n| --- | --- | --- | --- | --- | --- | --- |\n")
	row := func(scope string, t checks.Tally) {
		w.printf("| %s | %d | %d | %d | %d | %d | %s |\n", scope, t.Controls, t.Status[checks.Pass], t.Status[checks.Fail],
			t.Status[checks.Warn], t.Status[checks.NotEvaluated], formatScore(t.Score))
	}
	for _, l := range orderedKeys(rep.Summary.ByLayer, checks.Layers) {
		row("layer "+mdCell(string(l)), rep.Summary.ByLayer[l])
	}
	for _, f := range orderedKeys(rep.Summary.ByFramework, checks.Frameworks) {
		row("framework "+mdCell(string(f)), rep.Summary.ByFramework[f])
	}
	row("**total**", t)

	listed := findingControls(rep)
	w.printf("\n### Findings\n\n")
	if len(listed) == 0 {
		w.printf("No control failed, warned or went unevaluated.\n")
	} else {
		w.printf("| Control | Status | Severity | Title | Resources |\n| --- | --- | --- | --- | --- |\n")
		for _, c := range listed {
			w.printf("| %s | %s | %s | %s | %s |\n", mdCell(c.ID), c.Status, c.Severity, mdCell(c.Title), findingCounts(c.Counts))
		}
		max := opts.maxResources()
		// The details stop before the summary outgrows a comment (GitHub takes 65,536
		// characters); the table above still lists every control.
		var details []string
		for _, c := range listed {
			if c.Status != checks.Fail && c.Status != checks.Warn {
				continue
			}
			details = append(details, mdDetails(c, max))
		}
		used := 0
		for i, d := range details {
			if used+len(d) > markdownDetailsBudget {
				w.printf("\n_%d more failing or warning controls are detailed in the HTML or JSON report._\n", len(details)-i)
				break
			}
			used += len(d)
			w.printf("%s", d)
		}
	}
	writeExceptionsText(w, rep, "\n### Exceptions\n", func(l string) string { return "- " + mdCell(l) })
	if len(rep.NotCollected) > 0 {
		w.printf("\n### Not collected\n\nControls that need these are NOT_EVALUATED, not passed.\n\n")
		for _, n := range rep.NotCollected {
			w.printf("- `%s` %s", mdCode(string(n.Resource)), n.State)
			if n.Message != "" {
				w.printf(": %s", mdCell(n.Message))
			}
			w.printf("\n")
		}
	}
	return w.err
}

// markdownDetailsBudget bounds the bytes of the per-control details of the Markdown summary.
const markdownDetailsBudget = 50_000

// mdDetails is a control's folded list of failing and warning resources, up to max.
func mdDetails(c checks.ControlReport, max int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\n<details><summary>%s %s: %s</summary>\n\n", mdCell(c.ID), c.Status, mdCell(c.Title))
	n := 0
	for _, r := range c.Results {
		if r.Status != checks.Fail && r.Status != checks.Warn {
			continue
		}
		if n == max {
			fmt.Fprintf(&b, "- … and %d more (see the HTML or JSON report)\n", c.Counts[checks.Fail]+c.Counts[checks.Warn]-max)
			break
		}
		n++
		fmt.Fprintf(&b, "- %s `%s`", r.Status, mdCode(r.Resource.String()))
		if r.Evidence.Observed != "" {
			fmt.Fprintf(&b, ": observed `%s`", mdCode(r.Evidence.Observed))
		}
		if r.Evidence.Expected != "" {
			fmt.Fprintf(&b, ", expected `%s`", mdCode(r.Evidence.Expected))
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "\n**Remediation.** %s\n\n</details>\n", mdCell(c.Remediation))
	return b.String()
}

// findingControls are the controls the findings sections list: FAIL, then WARN, then
// NOT_EVALUATED, each most severe first, in layer and catalog order otherwise.
func findingControls(rep *checks.Report) []checks.ControlReport {
	var listed []checks.ControlReport
	for _, s := range findingStatuses {
		var group []checks.ControlReport
		for _, g := range byLayer(rep.Controls) {
			for _, c := range g.controls {
				if c.Status == s {
					group = append(group, c)
				}
			}
		}
		sortBySeverity(group)
		listed = append(listed, group...)
	}
	return listed
}

func sevNames() []string {
	var out []string
	for _, s := range checks.Severities {
		out = append(out, string(s))
	}
	return out
}

// clusterName is how the reports name a cluster: its server URL, else its UID.
func clusterName(rep *checks.Report) string {
	if rep.Cluster.Server != "" {
		return rep.Cluster.Server
	}
	return rep.Cluster.UID
}

// mdCode makes a value safe inside a Markdown code span.
func mdCode(s string) string {
	return strings.ReplaceAll(oneLine(s), "`", "'")
}
