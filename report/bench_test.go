package report_test

import (
	"fmt"
	"io"
	"os"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/internal/synth"
	"github.com/kubeposture/kubeposture/report"
)

// The large-report benchmarks measure what "readable with 50,000 findings" costs:
//
//	go test ./report -run '^$' -bench 'Large' -benchtime 3x -benchmem
//
// "synth" is the built-in controls over a synthetic cluster just big enough for 50,000
// results (most of them PASS); "allfail" is 50,000 FAIL results over 10 controls, the worst
// case for the page (every result a finding with evidence).
var (
	largeOnce    sync.Once
	largeReports map[string]*checks.Report
)

func largeReport(b *testing.B, name string) *checks.Report {
	b.Helper()
	largeOnce.Do(func() {
		// As many synthetic pods as it takes for 50,000 results with the current controls.
		for pods := 5_000; ; pods = pods * 11 / 10 {
			rep := checks.Run(synth.Snapshot(pods), checks.Registered(), checks.Selection{})
			if results(rep) >= 50_000 {
				largeReports = map[string]*checks.Report{"synth": rep}
				break
			}
		}
		var cs []checks.Check
		for c := 0; c < 10; c++ {
			var rs []checks.Result
			for i := 0; i < 5000; i++ {
				rs = append(rs, checks.Result{Status: checks.Fail,
					Resource: checks.Resource{Kind: "Pod", Namespace: fmt.Sprintf("ns-%03d", i%100), Name: fmt.Sprintf("app-%05d-7c9d-%d", i, c)},
					Evidence: checks.Evidence{Observed: `container "app" sets securityContext.privileged=true`, Expected: "privileged unset or false",
						Where: fmt.Sprintf("spec.containers[0].securityContext.privileged (pod ns-%03d/app-%05d)", i%100, i)}})
			}
			cs = append(cs, checks.Check{Control: control(fmt.Sprintf("BENCH-%02d", c), checks.Workload, checks.Severities[c%5], checks.References{CIS: []string{"5.2.1"}}),
				Evaluate: fixed(rs...)})
		}
		largeReports["allfail"] = checks.Run(testSnapshot(), cs, checks.Selection{})
	})
	return largeReports[name]
}

func results(rep *checks.Report) int {
	n := 0
	for _, c := range rep.Controls {
		n += len(c.Results)
	}
	return n
}

// countingWriter counts bytes and discards them.
type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

func BenchmarkLargeWrite(b *testing.B) {
	for _, name := range []string{"synth", "allfail"} {
		rep := largeReport(b, name)
		for _, f := range report.Formats {
			b.Run(name+"/"+string(f), func(b *testing.B) {
				var cw countingWriter
				b.ReportAllocs()
				for b.Loop() {
					cw.n = 0
					if err := report.Write(&cw, rep, f, report.Options{}); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(cw.n)/(1<<20), "MiB")
				b.ReportMetric(float64(results(rep)), "results")
			})
		}
	}
}

// BenchmarkLargeJSONWhole is the previous JSON writer (the report encoded in one piece), to
// compare its memory with the streaming one of BenchmarkLargeWrite/*/json.
func BenchmarkLargeJSONWhole(b *testing.B) {
	rep := largeReport(b, "synth")
	b.ReportAllocs()
	for b.Loop() {
		io.WriteString(io.Discard, wholeJSON(b, rep))
	}
}

// BenchmarkLargeHTMLBrowser opens the 50,000-result HTML page in headless Chromium: the time
// to load and lay it out (DOMContentLoaded, scripts run, the filters indexed), then the time
// of one filter change over every result.
func BenchmarkLargeHTMLBrowser(b *testing.B) {
	for _, name := range []string{"synth", "allfail"} {
		rep := largeReport(b, name)
		url := writeHTMLFile(b, rep)
		ctx := newBrowser(b)
		b.Run(name+"/load", func(b *testing.B) {
			for b.Loop() {
				if err := chromedp.Do(ctx, chromedp.Navigate(url), chromedp.WaitReady(chromedp.CSS("#filters:not([hidden])"))); err != nil {
					b.Fatal(err)
				}
			}
			st, _ := os.Stat(url[len("file://"):])
			b.ReportMetric(float64(st.Size())/(1<<20), "MiB")
		})
		b.Run(name+"/filter", func(b *testing.B) {
			i := 0
			for b.Loop() {
				status := []string{"FAIL", ""}[i%2]
				i++
				if err := chromedp.Do(ctx, setValue("f-status", status), chromedp.Evaluate[chromedp.Void](`window.kubepostureFilter()`)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
