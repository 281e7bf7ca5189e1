package report_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/report"
	"github.com/kubeposture/kubeposture/snapshot"
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

// lineBreaksJS lists, for every resource and evidence cell, each line break that does not fall
// at a word or path boundary: after a space, '/', '.', ',', ':', ';', '=', '_', '-', '(' or
// '[', or between the words of a camelCase name (a <br> or a block starts a line of its own;
// a token of more than 24 letters and digits has no words to keep). Each entry shows the text
// around the break as "before|after".
const lineBreaksJS = `(function () {
  var bad = [];
  var range = document.createRange();
  // A break inside a run of more than 24 letters and digits splits a token (a digest), not a word.
  function longRun(before, after) {
    return (before.match(/[A-Za-z0-9]*$/)[0] + after.match(/^[A-Za-z0-9]*/)[0]).length > 24;
  }
  function block(node) {
    var el = node.parentElement;
    while (el && getComputedStyle(el).display.indexOf("inline") === 0) { el = el.parentElement; }
    return el;
  }
  document.querySelectorAll("td.res, td.ev, .fw-items td, #not-collected li").forEach(function (cell) {
    var walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    var prevTop = null, prevBlock = null, prev = "", text = "", n;
    while ((n = walker.nextNode())) {
      var b = block(n);
      if (b !== prevBlock || (n.previousSibling && n.previousSibling.nodeName === "BR")) { prevTop = null; }
      prevBlock = b;
      for (var i = 0; i < n.length; i++) {
        var ch = n.data[i];
        text += ch;
        if (/\s/.test(ch)) { prev = " "; continue; }
        range.setStart(n, i); range.setEnd(n, i + 1);
        var r = range.getClientRects()[0];
        if (!r) { continue; }
        if (prevTop !== null && r.top > prevTop + 2 && " /.,:;=_-([".indexOf(prev) < 0 &&
            !(/[a-z]/.test(prev) && /[A-Z]/.test(ch)) && !longRun(text.slice(0, -1), n.data.slice(i))) {
          bad.push(text.slice(-30, -1) + "|" + n.data.slice(i, i + 15));
        }
        prevTop = r.top; prev = ch;
      }
    }
  });
  return bad;
})()`

// TestHTMLWrapsAtBoundaries: resource names, field paths and evidence wrap at word and path
// boundaries ("ClusterRoleBinding/|admin-tool", "spec.template.|spec"), never inside a word,
// in a wide window and in a narrow one, for the demo snapshot's findings and long values
// made for the test.
func TestHTMLWrapsAtBoundaries(t *testing.T) {
	demo, err := snapfile.ReadFile("../examples/snapshots/demo.json")
	if err != nil {
		t.Fatal(err)
	}
	long := checks.Result{Status: checks.Fail,
		Resource: checks.Resource{Kind: "ClusterRoleBinding", Name: "admin-tool-for-the-platform-team-in-every-region"},
		Evidence: checks.Evidence{
			Observed: "spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation=true,spec.template.spec.initContainers[1].securityContext.privileged=true",
			Expected: "--tls-cipher-suites=TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305",
			Where:    "system:serviceaccount:platform-tooling:admin-tool-controller-manager/spec.template.spec.serviceAccountName"}}
	digest := checks.Result{Status: checks.Fail,
		Resource: checks.Resource{Kind: "Image", Namespace: "shop", Name: "registry.example.com/team/app@sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		Evidence: checks.Evidence{Observed: "CVE-2024-0001 (HIGH, fixed in 1.2.3)", Expected: "no HIGH or CRITICAL vulnerability with a fixed version", Where: "run by Deployment/shop/web"}}
	checksList := append(checks.Registered(), checks.Check{Control: control("TEST-LONG", checks.Workload, checks.High, checks.References{CIS: []string{"5.1.1"}}), Evaluate: fixed(long, digest)})
	rep := checks.Run(demo, checksList, checks.Selection{})
	url := writeHTMLFile(t, rep)
	ctx := newBrowser(t)
	for _, width := range []int64{1280, 760, 700} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			if err := chromedp.Do(ctx,
				chromedp.EmulateViewport(width, 1000),
				chromedp.Navigate(url),
				chromedp.WaitReady(chromedp.CSS("#controls")),
				chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("details").forEach(function (d) { d.open = true })`),
			); err != nil {
				t.Fatal(err)
			}
			if bad := eval[[]string](t, ctx, lineBreaksJS); len(bad) > 0 {
				t.Errorf("%d line breaks inside a word at %d pixels, such as %q", len(bad), width, bad[:min(len(bad), 10)])
			}
			if w := eval[[]int](t, ctx, `[document.documentElement.scrollWidth, document.documentElement.clientWidth]`); w[0] > w[1] {
				t.Errorf("the page is %d pixels wide in a %d-pixel window", w[0], w[1])
			}
		})
	}
}

// cisHeadings are the section headings of the CIS Kubernetes Benchmark 1.12, in order.
var cisHeadings = []string{
	"1 Control Plane Components", "1.1 Control Plane Node Configuration Files", "1.2 API Server", "1.3 Controller Manager", "1.4 Scheduler",
	"2 Etcd Node Configuration",
	"3 Control Plane Configuration", "3.1 Authentication and Authorization", "3.2 Logging",
	"4 Worker Nodes", "4.1 Worker Node Configuration Files", "4.2 Kubelet", "4.3 kube-proxy",
	"5 Policies", "5.1 RBAC and Service Accounts", "5.2 Pod Security Standards", "5.3 Network Policies and CNI",
	"5.4 Secrets Management", "5.5 Extensible Admission Control", "5.6 General Policies",
}

// fwRowsJS lists the rows of the view by framework: "section item status control,control".
const fwRowsJS = `Array.prototype.map.call(document.querySelectorAll("#by-framework table.fw-items tbody tr"), function (tr) {
  return tr.closest("section").id + " " + tr.cells[0].textContent + " " + tr.cells[1].textContent + " " +
    Array.prototype.map.call(tr.cells[2].querySelectorAll("div"), function (d) {
      var b = d.querySelector(".badge");
      return d.querySelector("a").textContent + (b ? "=" + b.textContent : "");
    }).join(",");
})`

// TestHTMLFrameworkView: the view by framework lists CIS by section in order (1.1.9 before
// 1.1.10), then the Pod Security Standards and NSA/CISA items, each with the controls that
// check it and their status; an item two controls check takes the worse status; a link to a
// control the filters hide shows it again.
func TestHTMLFrameworkView(t *testing.T) {
	ctx := newBrowser(t)
	open := func(rep *checks.Report) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Navigate(writeHTMLFile(t, rep)), chromedp.WaitReady(chromedp.CSS("#controls"))); err != nil {
			t.Fatal(err)
		}
	}
	open(testReport(t))
	if got := eval[[]string](t, ctx, `Array.prototype.map.call(document.querySelectorAll("#fw-cis h4, #fw-cis h5"), function (h) { return h.textContent })`); strings.Join(got, "\n") != strings.Join(cisHeadings, "\n") {
		t.Errorf("CIS headings:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(cisHeadings, "\n"))
	}
	want := []string{
		"fw-cis 1.2.1 FAIL TEST-CP-FAIL", "fw-cis 1.2.2 PASS TEST-CP-PASS", "fw-cis 4.2.1 NOT_EVALUATED TEST-NODE-NE",
		"fw-pss privileged FAIL TEST-WL-MANY",
		"fw-nsa C-0005 FAIL TEST-CP-FAIL", "fw-nsa C-0260 WARN TEST-NET-WARN",
	}
	if got := eval[[]string](t, ctx, fwRowsJS); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("framework rows:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if got := eval[[]string](t, ctx, `Array.prototype.map.call(document.querySelectorAll("#by-framework h3"), function (h) { return h.textContent })`); strings.Join(got, "|") !=
		"CIS Kubernetes Benchmark 1.12|Pod Security Standards|NSA/CISA Kubernetes Hardening Guide (areas by their kubescape ids)" {
		t.Errorf("frameworks in the order %q", got)
	}
	// A link to a control the status filter hides clears the filters.
	if err := chromedp.Do(ctx, setValue("f-status", "PASS"), chromedp.Evaluate[chromedp.Void](`window.kubepostureFilter()`)); err != nil {
		t.Fatal(err)
	}
	if !eval[bool](t, ctx, `document.getElementById("test-cp-fail").hidden`) {
		t.Fatal("the status filter does not hide TEST-CP-FAIL")
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#fw-nsa a[href="#test-cp-fail"]`))); err != nil {
		t.Fatal(err)
	}
	if eval[bool](t, ctx, `document.getElementById("test-cp-fail").hidden || document.getElementById("f-status").value !== ""`) {
		t.Errorf("following a link to a hidden control left it hidden")
	}

	// Two controls check one item: it shows both, and the worse status.
	res := checks.Resource{Kind: "Cluster"}
	open(checks.Run(testSnapshot(), []checks.Check{
		{Control: control("TWO-A", checks.ControlPlane, checks.High, checks.References{CIS: []string{"1.2.10"}}), Evaluate: fixed(checks.Result{Status: checks.Pass, Resource: res})},
		{Control: control("TWO-B", checks.ControlPlane, checks.High, checks.References{CIS: []string{"1.2.10", "1.2.9"}}), Inputs: []snapshot.Resource{snapshot.ResKubeletConfigs}, Evaluate: fixed()},
	}, checks.Selection{}))
	want = []string{"fw-cis 1.2.9 NOT_EVALUATED TWO-B", "fw-cis 1.2.10 NOT_EVALUATED TWO-A=PASS,TWO-B=NOT_EVALUATED"}
	if got := eval[[]string](t, ctx, fwRowsJS); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("framework rows:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// The demo: CIS items in section order.
	demo, err := snapfile.ReadFile("../examples/snapshots/demo.json")
	if err != nil {
		t.Fatal(err)
	}
	open(checks.Run(demo, checks.Registered(), checks.Selection{}))
	items := eval[[]string](t, ctx, `Array.prototype.map.call(document.querySelectorAll("#fw-cis tbody tr td:first-child"), function (td) { return td.textContent })`)
	number := func(id string) []int {
		var n []int
		for _, p := range strings.Split(id, ".") {
			v, err := strconv.Atoi(p)
			if err != nil {
				t.Fatalf("CIS item %q", id)
			}
			n = append(n, v)
		}
		return n
	}
	if !slices.IsSortedFunc(items, func(a, b string) int { return slices.Compare(number(a), number(b)) }) || len(items) < 100 {
		t.Errorf("%d CIS items, not in section order: %v", len(items), items)
	}
	if i, j := slices.Index(items, "1.1.9"), slices.Index(items, "1.1.10"); i < 0 || j != i+1 {
		t.Errorf("1.1.9 at %d, 1.1.10 at %d", i, j)
	}
}

// TestHTMLScoreColours: score bars are coloured by value, 0 red to 100 green, with the value
// written beside each bar, the scale in a legend and every score in the chart's label.
func TestHTMLScoreColours(t *testing.T) {
	ctx := newBrowser(t)
	bandFill := map[string]string{
		"band-0": "rgb(183, 28, 28)", "band-1": "rgb(216, 67, 21)", "band-2": "rgb(178, 106, 0)",
		"band-3": "rgb(85, 139, 47)", "band-4": "rgb(46, 125, 50)", "na": "rgb(189, 189, 189)",
	}
	barsJS := `Array.prototype.map.call(document.querySelectorAll("#chart-scores rect[class]"), function (r) {
  return r.previousElementSibling.previousElementSibling.textContent + "=" + getComputedStyle(r).fill + "=" + r.nextElementSibling.textContent;
})`
	check := func(rep *checks.Report, want map[string]string) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Navigate(writeHTMLFile(t, rep)), chromedp.WaitReady(chromedp.CSS("#controls"))); err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, b := range eval[[]string](t, ctx, barsJS) {
			parts := strings.SplitN(b, "=", 3)
			got[parts[0]] = parts[1]
			if !regexp.MustCompile(`^(\d+\.\d|n/a) \(\d+ evaluated\)$`).MatchString(parts[2]) {
				t.Errorf("bar %s is labelled %q, not with its value", parts[0], parts[2])
			}
		}
		for label, band := range want {
			if got[label] != bandFill[band] {
				t.Errorf("bar %s is %s, want %s (%s)", label, got[label], bandFill[band], band)
			}
		}
	}
	// The test report: control-plane and cis 50, workload and pss 0, nsa 25, node n/a, total 37.5.
	check(testReport(t), map[string]string{"control-plane": "band-2", "node": "na", "workload": "band-0", "network": "band-2",
		"cis-1.12": "band-2", "pss-baseline": "band-0", "nsa": "band-1", "total": "band-1"})
	card := eval[string](t, ctx, `getComputedStyle(document.getElementById("total-score")).borderLeftColor`)
	label := eval[string](t, ctx, `document.getElementById("chart-scores").getAttribute("aria-label")`)
	legend := eval[string](t, ctx, `document.getElementById("score-legend").textContent`)
	if card != bandFill["band-1"] || !strings.Contains(label, "workload 0.0") || !strings.Contains(label, "total 37.5") || legend != "Score0–1920–3940–5960–7980–100n/a" {
		t.Errorf("total card border %s, chart label %q, legend %q", card, label, legend)
	}
	// 3 PASS and a FAIL make 75, a lone PASS 100, all of them 80.
	pass := checks.Result{Status: checks.Pass, Resource: checks.Resource{Kind: "Cluster"}}
	var cs []checks.Check
	for i, st := range []checks.Status{checks.Pass, checks.Pass, checks.Pass, checks.Fail} {
		r := pass
		r.Status = st
		cs = append(cs, checks.Check{Control: control(fmt.Sprint("CP-", i), checks.ControlPlane, checks.Low, checks.References{}), Evaluate: fixed(r)})
	}
	cs = append(cs, checks.Check{Control: control("NET-1", checks.Network, checks.Low, checks.References{}), Evaluate: fixed(pass)})
	check(checks.Run(testSnapshot(), cs, checks.Selection{}), map[string]string{"control-plane": "band-3", "network": "band-4", "total": "band-4"})
}

// TestHTMLNotCollected: what could not be collected is said in plain words, with the
// permission or the way that would give it and the controls it left NOT_EVALUATED; the client's
// error is there on demand, folded.
func TestHTMLNotCollected(t *testing.T) {
	ctx := newBrowser(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(writeHTMLFile(t, testReport(t))), chromedp.WaitReady(chromedp.CSS("#controls"))); err != nil {
		t.Fatal(err)
	}
	// innerText: what a reader sees (the folded error left out).
	lines := eval[[]string](t, ctx, `Array.prototype.map.call(document.querySelectorAll("#not-collected > li"), function (li) { return li.innerText })`)
	if len(lines) != 2 {
		t.Fatalf("not collected: %q", lines)
	}
	for i, want := range [][]string{
		{"The kubelets' configuration", "may not read it", `Grant the scan's identity "get nodes/proxy" (check with: kubectl auth can-i get nodes/proxy)`,
			"audit scan --node-reports", "1 control not evaluated without it: TEST-NODE-NE", "The client's error"},
		{"The cluster's secrets: reading it failed.", "No selected control needed it."},
	} {
		for _, w := range want {
			if !strings.Contains(lines[i], w) {
				t.Errorf("not-collected line %d lacks %q:\n%s", i, w, lines[i])
			}
		}
	}
	if strings.Contains(lines[0], "is forbidden") || strings.Contains(lines[1], "timeout") {
		t.Errorf("the client's error is shown unfolded: %q", lines)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#not-collected li:first-child details.raw summary`))); err != nil {
		t.Fatal(err)
	}
	if raw := eval[string](t, ctx, `document.querySelector("#not-collected li details.raw").innerText`); !strings.Contains(raw, `nodes/proxy forbidden: nodes "node-a" is forbidden: cannot get resource "nodes/proxy"`) {
		t.Errorf("the client's error, unfolded: %q", raw)
	}
	if eval[string](t, ctx, `document.querySelector("#not-collected a").getAttribute("href")`) != "#test-node-ne" {
		t.Errorf("the control a missing resource left NOT_EVALUATED is not linked")
	}
}

// TestHTMLPrintPDF prints the demo snapshot's report to PDF with Chromium (--print-to-pdf) and
// reads it back with pdftotext: every CIS section heading is there in order, each framework
// and the findings start a page, every result of every control is printed (folded ones
// unfolded), and the filters are not.
func TestHTMLPrintPDF(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Fatalf("the print test needs Chromium at %s: install it with 'apt-get install -y chromium' (%v)", chromiumPath, err)
	}
	pdftotext, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Fatalf("the print test needs pdftotext: install it with 'apt-get install -y poppler-utils' (%v)", err)
	}
	demo, err := snapfile.ReadFile("../examples/snapshots/demo.json")
	if err != nil {
		t.Fatal(err)
	}
	rep := checks.Run(demo, checks.Registered(), checks.Selection{})
	url := writeHTMLFile(t, rep)
	dir := t.TempDir()
	pdf := filepath.Join(dir, "report.pdf")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	// The flags newBrowser gives Chromium, for the command line.
	cmd := exec.CommandContext(ctx, chromiumPath, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
		"--no-default-browser-check", "--user-data-dir="+filepath.Join(dir, "profile"), "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--disable-quic", "--no-pdf-header-footer", "--print-to-pdf="+pdf, url)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("chromium --print-to-pdf: %v\n%s", err, out)
	}
	out, err := exec.CommandContext(ctx, pdftotext, pdf, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	text := string(out)
	pages := strings.Split(text, "\f")
	t.Logf("%s: %d pages", pdf, len(pages)-1)

	lines := strings.Split(strings.ReplaceAll(text, "\f", "\n"), "\n") // a page's first line follows its form feed
	at := 0
	for _, h := range cisHeadings {
		i := slices.Index(lines[at:], h)
		if i < 0 {
			t.Fatalf("the PDF lacks the CIS heading %q after line %d (or has it out of order)", h, at)
		}
		at += i + 1
	}
	starts := map[string]bool{}
	for _, p := range pages {
		if first, _, _ := strings.Cut(strings.TrimLeft(p, "\n"), "\n"); first != "" {
			starts[first] = true
		}
	}
	for _, h := range []string{"By framework", "2 Etcd Node Configuration", "5 Policies", "Pod Security Standards",
		"NSA/CISA Kubernetes Hardening Guide (areas by their kubescape ids)", "Findings by control"} {
		if !starts[h] {
			t.Errorf("%q does not start a page", h)
		}
	}

	// Every result of every control is printed, folded ones too: in the text in page order
	// (pdftotext -raw), between a control's heading and the next one's, are its resources.
	raw, err := exec.CommandContext(ctx, pdftotext, "-raw", pdf, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext -raw: %v", err)
	}
	flatten := func(s string) string { return strings.Join(strings.Fields(s), "") }
	flat := flatten(string(raw))
	findings := strings.Index(flat, "Findingsbycontrol")
	type span struct {
		at int
		c  *checks.ControlReport
	}
	var spans []span
	results := 0
	for i := range rep.Controls {
		c := &rep.Controls[i]
		results += len(c.Results)
		at := strings.Index(flat[findings:], flatten(c.ID+": "+c.Title))
		if findings < 0 || at < 0 {
			t.Fatalf("the PDF lacks the findings of %s", c.ID)
		}
		spans = append(spans, span{findings + at, c})
	}
	slices.SortFunc(spans, func(a, b span) int { return a.at - b.at })
	for i, sp := range spans {
		end := len(flat)
		if i+1 < len(spans) {
			end = spans[i+1].at
		}
		for _, r := range sp.c.Results {
			if !strings.Contains(flat[sp.at:end], flatten(r.Resource.String())) {
				t.Errorf("%s: %s is not printed", sp.c.ID, r.Resource)
			}
		}
	}
	// On screen, some of those controls are folded.
	bctx := newBrowser(t)
	if err := chromedp.Do(bctx, chromedp.Navigate(url), chromedp.WaitReady(chromedp.CSS("#controls"))); err != nil {
		t.Fatal(err)
	}
	if n := eval[int](t, bctx, `document.querySelectorAll("#controls details:not([open])").length`); n == 0 {
		t.Errorf("no control of the demo is folded on screen: the test proves nothing about unfolding")
	}
	for _, filter := range []string{"id, title, resource, evidence", "(cluster-scoped)", fmt.Sprintf("%d controls, %d results", len(rep.Controls), results)} {
		if strings.Contains(text, filter) {
			t.Errorf("the filters are printed: %q", filter)
		}
	}
}

// TestHTMLPrintMedia: with the print style sheet, what the filters hid and what is folded is
// shown, and the filters are not.
func TestHTMLPrintMedia(t *testing.T) {
	ctx := newBrowser(t)
	if err := chromedp.Do(ctx,
		chromedp.Navigate(writeHTMLFile(t, testReport(t))),
		chromedp.WaitReady(chromedp.CSS("#controls")),
		setValue("f-status", "WARN"),
		chromedp.Evaluate[chromedp.Void](`window.kubepostureFilter()`),
	); err != nil {
		t.Fatal(err)
	}
	// Rows laid out (with a box) and not hidden by the filters: on screen, the one WARN row;
	// TEST-WL-MANY's 18 rows are folded.
	const shownJS = `[Array.prototype.filter.call(document.querySelectorAll("section.control"), function (s) { return s.getClientRects().length > 0 }).length,
  Array.prototype.filter.call(document.querySelectorAll("tr.r"), function (r) { return r.getClientRects().length > 0 }).length,
  document.getElementById("filters").getClientRects().length]`
	if got := eval[[]int](t, ctx, shownJS); got[0] != 1 || got[1] != 1 || got[2] != 1 {
		t.Fatalf("on screen: %v controls, rows and filter forms shown, want 1, 1, 1", got)
	}
	if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
		return err
	})); err != nil {
		t.Fatal(err)
	}
	if got := eval[[]int](t, ctx, shownJS); got[0] != 5 || got[1] != 22 || got[2] != 0 {
		t.Errorf("in print: %v controls, rows and filter forms shown, want 5, 22, 0", got)
	}
}
