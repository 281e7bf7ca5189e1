package report_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/report"
	"github.com/kubeposture/kubeposture/snapshot/snapfile"
)

// chromiumPath is Debian's Chromium, which .ci/run installs.
const chromiumPath = "/usr/bin/chromium"

// newBrowser starts headless Chromium with the flags this machine needs (no sandbox as root,
// no GPU, no background connections to a closed network) and a fresh profile. A missing
// binary fails the test: CI installs it, and a skipped browser test would prove nothing.
func newBrowser(tb testing.TB) context.Context {
	tb.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		tb.Fatalf("the HTML report's browser test needs Chromium at %s: install it with 'apt-get update && apt-get install -y chromium' (%v)", chromiumPath, err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(tb.TempDir()),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.WindowSize(1280, 1000),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelB := chromedp.NewContext(actx)
	tb.Cleanup(func() { cancelB(); cancelA() })
	// The first run starts the browser, which lives as long as this context.
	if err := chromedp.Do(ctx); err != nil {
		tb.Fatalf("start %s: %v", chromiumPath, err)
	}
	return ctx
}

// eval evaluates a JavaScript expression in the page and decodes its value.
func eval[T any](tb testing.TB, ctx context.Context, js string) T {
	tb.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		tb.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

func writeHTMLFile(tb testing.TB, rep *checks.Report) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "report.html")
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	if err := report.Write(f, rep, report.HTML, report.Options{}); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	return "file://" + path
}

// setValue sets a form field's value as a selection or typing would, without the event.
// (chromedp.SetValue refuses the empty value, which is how a filter is reset to "all".)
func setValue(id, value string) chromedp.Action[chromedp.Void] {
	v, _ := json.Marshal(value)
	return chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.getElementById(%q).value = %s`, id, v))
}

// visible counts the controls and result rows the filters leave shown.
const visibleJS = `[document.querySelectorAll("section.control:not([hidden])").length,
  document.querySelectorAll("section.control:not([hidden]) tr.r:not([hidden])").length]`

// TestHTMLInBrowser renders the test report in headless Chromium: the key parts are there, each
// filter hides and shows the right findings, and without JavaScript everything is listed and
// the filters are hidden. A screenshot is saved in the test's temp dir.
func TestHTMLInBrowser(t *testing.T) {
	ctx := newBrowser(t)
	url := writeHTMLFile(t, testReport(t))

	var mu sync.Mutex
	var requested []string
	if err := chromedp.Listen(ctx, func(ev any) {
		if r, ok := ev.(*network.EventRequestWillBeSent); ok {
			mu.Lock()
			requested = append(requested, r.Request.URL)
			mu.Unlock()
		}
	}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx,
		chromedp.Navigate(url),
		chromedp.WaitReady(chromedp.CSS("#controls")),
	); err != nil {
		t.Fatal(err)
	}
	title := eval[string](t, ctx, `document.title`)
	header := eval[string](t, ctx, `document.getElementById("cluster").textContent`)
	nControls := eval[int](t, ctx, `document.querySelectorAll("section.control").length`)
	nCharts := eval[int](t, ctx, `document.querySelectorAll("svg#chart-scores rect, svg#chart-severity rect, svg#chart-status rect").length`)
	filtersHidden := eval[bool](t, ctx, `document.getElementById("filters").hidden`)
	// Self-contained: the browser requested nothing but the page itself.
	mu.Lock()
	if len(requested) != 1 || requested[0] != url {
		t.Errorf("the page made the browser request %v; it must need nothing but itself", requested)
	}
	mu.Unlock()
	for _, want := range []string{"https://cp.example.test:6443", "7d1c-uid", "2025-06-01T12:30:00Z", "v0.1.0-test"} {
		if !strings.Contains(header, want) {
			t.Errorf("header %q lacks %q", header, want)
		}
	}
	if !strings.Contains(title, "cp.example.test") || nControls != 5 || nCharts == 0 || filtersHidden {
		t.Errorf("title %q, %d controls, %d chart bars, filters hidden %v", title, nControls, nCharts, filtersHidden)
	}

	// Each case sets the filters (unset ones back to "all") and expects this many controls
	// and result rows shown. The test report has 5 controls and 22 results: 16 FAIL (15 pods
	// in shop, one API server), 3 PASS pods, a PASS API server, a WARN service in shop, and a
	// NOT_EVALUATED node control on the cluster.
	for _, tc := range []struct {
		name             string
		set              map[string]string
		controls, rowsIn int
	}{
		{"all", nil, 5, 22},
		{"status FAIL", map[string]string{"f-status": "FAIL"}, 2, 16},
		{"status WARN", map[string]string{"f-status": "WARN"}, 1, 1},
		{"layer network", map[string]string{"f-layer": "network"}, 1, 1},
		{"severity critical", map[string]string{"f-severity": "critical"}, 1, 1},
		{"namespace shop", map[string]string{"f-namespace": "shop"}, 2, 19},
		{"cluster-scoped", map[string]string{"f-namespace": "-"}, 1, 1},
		{"text pod-07", map[string]string{"f-text": "pod-07"}, 1, 1},
		{"text matches a control title", map[string]string{"f-text": "title of test-cp"}, 2, 2},
		{"status and namespace", map[string]string{"f-status": "PASS", "f-namespace": "shop"}, 1, 3},
		{"nothing matches", map[string]string{"f-text": "no-such-thing"}, 0, 0},
		{"reset", nil, 5, 22},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var steps []chromedp.Action[chromedp.Void]
			for _, id := range []string{"f-layer", "f-severity", "f-status", "f-namespace", "f-text"} {
				steps = append(steps, setValue(id, tc.set[id]))
			}
			// A change event, as a person's selection fires; the text box's input is debounced,
			// so the filter function is then run directly.
			steps = append(steps,
				chromedp.Evaluate[chromedp.Void](`document.getElementById("f-status").dispatchEvent(new Event("change"))`),
				chromedp.Evaluate[chromedp.Void](`window.kubepostureFilter()`),
			)
			if err := chromedp.Do(ctx, steps...); err != nil {
				t.Fatal(err)
			}
			got := eval[[]int](t, ctx, visibleJS)
			noneShown := eval[bool](t, ctx, `!document.getElementById("none-shown").hidden`)
			if got[0] != tc.controls || got[1] != tc.rowsIn {
				t.Errorf("%d controls and %d results shown, want %d and %d", got[0], got[1], tc.controls, tc.rowsIn)
			}
			if noneShown != (tc.controls == 0) {
				t.Errorf("the 'no result matches' note is shown=%v with %d controls", noneShown, tc.controls)
			}
		})
	}

	// The text box filters as one types (after its short debounce), without a call to apply.
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#f-text"), "pod-1"),
		chromedp.Evaluate[chromedp.Void](`new Promise(r => setTimeout(r, 400))`, chromedp.EvalAwaitPromise),
	); err != nil {
		t.Fatalf("typing in the text filter: %v", err)
	}
	if got := eval[[]int](t, ctx, visibleJS); got[0] != 1 || got[1] != 5 { // pod-10 … pod-14
		t.Errorf("typing pod-1 shows %v controls and results, want 1 and 5", got)
	}

	if err := chromedp.Do(ctx,
		setValue("f-text", ""),
		chromedp.Evaluate[chromedp.Void](`window.kubepostureFilter()`),
	); err != nil {
		t.Fatal(err)
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	shot := filepath.Join(t.TempDir(), "report.png")
	if err := os.WriteFile(shot, png, 0o644); err != nil {
		t.Fatal(err)
	}
	if len(png) < 1000 {
		t.Errorf("screenshot is %d bytes", len(png))
	}
	t.Logf("screenshot: %s (%d bytes)", shot, len(png))
}

// TestHTMLWithoutJavaScript: with scripts off, every control and result is listed and the
// filter form stays hidden.
func TestHTMLWithoutJavaScript(t *testing.T) {
	ctx := newBrowser(t)
	url := writeHTMLFile(t, testReport(t))
	if err := chromedp.Do(ctx,
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
			return err
		}),
		chromedp.Navigate(url),
		chromedp.WaitReady(chromedp.CSS("#controls")),
	); err != nil {
		t.Fatal(err)
	}
	// The page's own scripts are off; DevTools' evaluation still runs, to count.
	got := eval[[]int](t, ctx, `[document.querySelectorAll("section.control:not([hidden])").length, document.querySelectorAll("tr.r:not([hidden])").length]`)
	formShown := eval[bool](t, ctx, `getComputedStyle(document.getElementById("filters")).display !== "none"`)
	noscript := eval[string](t, ctx, `document.querySelector("noscript").textContent`)
	filterDefined := eval[bool](t, ctx, `typeof window.kubepostureFilter === "function"`)
	if filterDefined {
		t.Errorf("the page's script ran: scripts were not disabled")
	}
	if !strings.Contains(noscript, "JavaScript is off") {
		t.Errorf("the noscript note is %q", noscript)
	}
	if got[0] != 5 || got[1] != 22 || formShown {
		t.Errorf("without JavaScript: %d controls, %d results, filters shown %v; want 5, 22, false", got[0], got[1], formShown)
	}
}

// TestHTMLNoHorizontalScroll: long unbroken values (cipher lists, flag sets) in the demo
// snapshot's findings wrap instead of widening the page past the window.
func TestHTMLNoHorizontalScroll(t *testing.T) {
	demo, err := snapfile.ReadFile("../examples/snapshots/demo.json")
	if err != nil {
		t.Fatal(err)
	}
	rep := checks.Run(demo, checks.Registered(), checks.Selection{})
	ctx := newBrowser(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(writeHTMLFile(t, rep)), chromedp.WaitReady(chromedp.CSS("#controls"))); err != nil {
		t.Fatal(err)
	}
	// Every result shown, folded ones included, as a reader who opens them all sees them.
	eval[chromedp.Void](t, ctx, `document.querySelectorAll("details").forEach(function (d) { d.open = true })`)
	if w := eval[[]int](t, ctx, `[document.documentElement.scrollWidth, document.documentElement.clientWidth]`); w[0] > w[1] {
		t.Errorf("the page is %d pixels wide in a %d-pixel window", w[0], w[1])
	}
}
