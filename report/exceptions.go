package report

import (
	"fmt"
	"sort"
	"strings"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/kubeposture/kubeposture/checks"
)

// exceptionText says, on one line, why a result is EXCEPTED and who accepted it: every
// renderer shows it where it shows a result's reason. Empty for a result not excepted.
func exceptionText(r checks.Result) string {
	e := r.Exception
	if e == nil {
		return ""
	}
	s := fmt.Sprintf("excepted %s: %s (owner %s", e.Status, oneLine(e.Reason), oneLine(e.Owner))
	if e.Ticket != "" {
		s += ", ticket " + oneLine(e.Ticket)
	}
	s += ", expires " + e.Expires
	if e.FromObject {
		s += "; the object excepts itself: " + e.Source + ")"
	} else if e.Source != "" {
		s += "; " + e.Source + ")"
	} else {
		s += ")"
	}
	return s
}

// exceptedResults lists the EXCEPTED results of a report, in control order.
func exceptedResults(rep *checks.Report) []checks.Result {
	var out []checks.Result
	for _, c := range rep.Controls {
		for _, r := range c.Results {
			if r.Status == checks.Excepted {
				out = append(out, r)
			}
		}
	}
	return out
}

// exceptionEntry names an exception that did not apply, for the lists of expired and
// unmatched ones.
func exceptionEntry(e checks.Exception) string {
	sel := e.Resource
	var parts []string
	for _, f := range [][2]string{{"kind", sel.Kind}, {"namespace", sel.Namespace}, {"name", sel.Name}} {
		if f[1] != "" {
			parts = append(parts, f[0]+"="+f[1])
		}
	}
	for _, k := range sortedKeys(sel.Labels) {
		parts = append(parts, "label "+k+"="+sel.Labels[k])
	}
	return fmt.Sprintf("%s %s, owner %s, expires %s (%s)", e.Control, strings.Join(parts, " "), oneLine(e.Owner), e.Expires, e.Source)
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// exceptionLines are the lines of the reports' Exceptions section: excepted results, then
// expired, unmatched and invalid exceptions. Nil when the run had no exceptions.
func exceptionLines(rep *checks.Report) (excepted, expired, unmatched, invalid []string) {
	for _, r := range exceptedResults(rep) {
		excepted = append(excepted, fmt.Sprintf("%s %s: %s", r.ControlID, r.Resource, exceptionText(r)))
	}
	if x := rep.Exceptions; x != nil {
		for _, e := range x.Expired {
			expired = append(expired, exceptionEntry(e))
		}
		for _, e := range x.Unmatched {
			unmatched = append(unmatched, exceptionEntry(e))
		}
		invalid = append(invalid, x.Invalid...)
	}
	return
}

func writeExceptionsText(w *errWriter, rep *checks.Report, heading string, item func(string) string) {
	excepted, expired, unmatched, invalid := exceptionLines(rep)
	if len(excepted)+len(expired)+len(unmatched)+len(invalid) == 0 {
		return
	}
	w.printf("%s", heading)
	for _, g := range []struct {
		title string
		lines []string
	}{
		{"Excepted (accepted risks: not FAIL, not PASS, out of the score)", excepted},
		{"Expired exceptions (no longer applied: their results keep their verdict)", expired},
		{"Exceptions that matched no FAIL or WARN result", unmatched},
		{"Invalid exception annotations (ignored)", invalid},
	} {
		if len(g.lines) == 0 {
			continue
		}
		w.printf("\n%s\n\n", g.title)
		for _, l := range g.lines {
			w.printf("%s\n", item(l))
		}
	}
}

// htmlExceptions groups the exceptions that did not apply for the HTML report: each group
// is its title then its lines. Excepted results are in their controls' tables already.
func htmlExceptions(rep *checks.Report) [][]string {
	_, expired, unmatched, invalid := exceptionLines(rep)
	var out [][]string
	for _, g := range []struct {
		title string
		lines []string
	}{
		{"Expired exceptions (no longer applied)", expired},
		{"Exceptions that matched nothing", unmatched},
		{"Invalid exception annotations (ignored)", invalid},
	} {
		if len(g.lines) > 0 {
			out = append(out, append([]string{g.title}, g.lines...))
		}
	}
	return out
}

// sarifSuppressions is the SARIF suppression of an excepted FAIL: it stays in the log, as
// SARIF wants, marked accepted with the exception's justification. An exception from the
// object's own annotation is "inSource" (it lives in what was analysed), one from the
// exceptions file "external". Nil for any other result: an excepted WARN was never a
// SARIF result.
func sarifSuppressions(r *checks.Result) []*sarif.Suppression {
	e := r.Exception
	if r.Status != checks.Excepted || e == nil || e.Status != checks.Fail {
		return nil
	}
	kind := "external"
	if e.FromObject {
		kind = "inSource"
	}
	props := sarif.NewPropertyBag()
	props.Add("owner", e.Owner)
	if e.Ticket != "" {
		props.Add("ticket", e.Ticket)
	}
	props.Add("expires", e.Expires)
	if e.Source != "" {
		props.Add("source", e.Source)
	}
	s := &sarif.Suppression{Properties: props}
	s.WithKind(kind).WithStatus("accepted").WithJustification(exceptionText(*r))
	return []*sarif.Suppression{s}
}
