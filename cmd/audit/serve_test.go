package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil/promlint"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/internal/testcluster"
	"github.com/kubeposture/kubeposture/metrics"
	"github.com/kubeposture/kubeposture/report"
	"github.com/kubeposture/kubeposture/snapshot"
	"github.com/kubeposture/kubeposture/snapshot/snapfile"
)

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	return getAs(t, url, "")
}

// getAs GETs url with the bearer token, if any.
func getAs(t *testing.T, url, token string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// The serve command end to end on a loopback port: it scans the demo snapshot, serves lint-
// clean metrics and the three reports, and stops gracefully on SIGTERM.
func TestServeCommand(t *testing.T) {
	body, _ := serveAndScrape(t, "", "--snapshot", demo, "--exceptions", exampleExceptions, "--insecure-no-auth")
	if !strings.Contains(body, `status="EXCEPTED"`) {
		t.Errorf("/metrics has no EXCEPTED finding although --exceptions applies to the demo")
	}
}

// The same against a real API server, collecting live as scan does, and authenticating the
// requests with it (the admin's token; serve_auth_test.go has the refusals).
func TestServeLive(t *testing.T) {
	_, kubeconfig := startEstate(t)
	cfg, err := clientcmd.LoadFromFile(kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	body, rep := serveAndScrape(t, cfg.AuthInfos["admin"].Token, "--kubeconfig", kubeconfig)
	if rep == nil {
		return // serveAndScrape said why
	}
	if !strings.Contains(body, `kubeposture_objects_collected{resource="pods"}`) || strings.Contains(body, `kubeposture_objects_collected{resource="pods"} 0`) {
		t.Errorf("/metrics does not count the pods collected live")
	}
	found := false
	for _, c := range rep.Controls {
		found = found || c.ID == "KP-CP-001" && c.Status == checks.Fail // the estate's anonymous auth
	}
	if !found {
		t.Error("the live report lacks KP-CP-001 FAIL")
	}
}

// serveAndScrape runs `audit serve ARGS` on a free loopback port until its first scan, lints
// and parses /metrics, fetches the three reports (with the bearer token, if any), stops it
// with SIGTERM, and returns the metrics text and the JSON report.
func serveAndScrape(t *testing.T, token string, args ...string) (string, *checks.Report) {
	t.Helper()
	run := startServe(t, append([]string{"--interval", "1h"}, args...)...)
	run.awaitPath("/readyz") // the first scan
	base := run.base()
	if code, body := get(t, base+"/healthz"); code != http.StatusOK {
		t.Errorf("/healthz: %d %s", code, body)
	}

	code, body := getAs(t, base+"/metrics", token)
	if code != http.StatusOK {
		t.Fatalf("/metrics: %d", code)
	}
	problems, err := promlint.New(strings.NewReader(body)).Lint()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("lint: %s: %s", p.Metric, p.Text)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{metrics.Findings, metrics.Score, metrics.ScanDuration, metrics.ObjectsCollected, metrics.LastSuccess, metrics.ScansTotal} {
		if families[name] == nil {
			t.Errorf("/metrics lacks %s", name)
		}
	}
	metricsText := body

	code, body = getAs(t, base+"/report.json", token)
	rep, err := report.ReadJSON(strings.NewReader(body))
	if code != http.StatusOK || err != nil || len(rep.Controls) == 0 {
		t.Errorf("/report.json: %d %v", code, err)
	}
	if code, body = getAs(t, base+"/report.html", token); code != http.StatusOK || !strings.Contains(body, "<html") {
		t.Errorf("/report.html: %d", code)
	}
	code, body = getAs(t, base+"/report.sarif", token)
	var sarifDoc struct {
		Version string `json:"version"`
	}
	if code != http.StatusOK || json.Unmarshal([]byte(body), &sarifDoc) != nil || sarifDoc.Version != "2.1.0" {
		t.Errorf("/report.sarif: %d %q", code, sarifDoc.Version)
	}

	if exit := run.stop(); exit.code != 0 || !strings.Contains(exit.stderr, "audit serve: stopped") {
		t.Errorf("after SIGTERM: exit %d, stderr %q", exit.code, exit.stderr)
	}
	if code, _ := get(t, base+"/healthz"); code != 0 {
		t.Errorf("still serving after shutdown")
	}
	return metricsText, rep
}

// Before the first scan the reports and readiness are 503; a failed scan keeps the last report.
func TestServeReadinessAndFailedScan(t *testing.T) {
	release := make(chan struct{})
	fail := false
	rep := &checks.Report{SchemaVersion: checks.ReportSchemaVersion}
	s := newServer(func(context.Context) (*checks.Report, map[snapshot.Resource]snapshot.Collection, error) {
		<-release
		if fail {
			return nil, nil, errors.New("boom")
		}
		return rep, nil, nil
	}, noAuth, io.Discard)
	h := httptest.NewServer(s.handler())
	defer h.Close()
	for _, p := range []string{"/readyz", "/report.json"} {
		if code, _ := get(t, h.URL+p); code != http.StatusServiceUnavailable {
			t.Errorf("%s before the first scan: %d, want 503", p, code)
		}
	}
	close(release)
	s.scanOnce(context.Background())
	if code, _ := get(t, h.URL+"/readyz"); code != http.StatusOK {
		t.Errorf("/readyz after a scan: %d", code)
	}
	fail = true
	s.scanOnce(context.Background())
	if code, _ := get(t, h.URL+"/report.json"); code != http.StatusOK {
		t.Errorf("/report.json after a failed scan: %d, want the previous report", code)
	}
	_, body := get(t, h.URL+"/metrics")
	if !strings.Contains(body, fmt.Sprintf("%s 1", metrics.ScanFailuresTotal)) {
		t.Errorf("/metrics does not count the failed scan")
	}
}

// startCluster starts a real API server (no estate) and writes an admin kubeconfig for it.
func startCluster(t *testing.T) (*testcluster.Cluster, string) {
	t.Helper()
	c, err := testcluster.Start(context.Background(), testcluster.Options{Log: os.Stderr})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Stop)
	kubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
	if err := c.WriteKubeconfig(kubeconfig); err != nil {
		t.Fatal(err)
	}
	t.Setenv("KUBECONFIG", "")
	return c, kubeconfig
}

// SIGTERM ends serve while a live collection is under way: the collection stops with it,
// instead of holding the process until --timeout (a pod would be killed at the end of its
// grace period, mid-scan). A client-side rate limit of one request per 100 s keeps the
// collection waiting between requests, as a large or slow cluster would.
func TestServeSIGTERMStopsLiveScan(t *testing.T) {
	_, kubeconfig := startCluster(t)
	run := startServe(t, "--insecure-no-auth", "--kubeconfig", kubeconfig, "--qps", "0.01", "--burst", "1", "--skip-kubelet")
	run.awaitPath("/healthz")
	time.Sleep(500 * time.Millisecond) // the scan has started with the server; let it reach the limiter
	if code, _ := get(t, run.base()+"/readyz"); code != http.StatusServiceUnavailable {
		t.Fatalf("/readyz %d while the first scan is under way, want 503", code)
	}
	exit := run.stop()
	if !strings.Contains(exit.stderr, "scan stopped") || !strings.Contains(exit.stderr, "audit serve: stopped") {
		t.Errorf("stderr does not say the scan and the server stopped: %s", exit.stderr)
	}
	if strings.Contains(exit.stderr, "scan failed") {
		t.Errorf("a scan stopped by SIGTERM is reported as failed: %s", exit.stderr)
	}
}

// freeAddr is a free loopback address.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// serveRun is `audit serve` running in this process (as main runs it) on a free loopback
// address.
type serveRun struct {
	t    *testing.T
	addr string
	done chan serveExit
}

type serveExit struct {
	stderr string
	code   int
}

// startServe runs `audit serve --listen ADDR ARGS` in the background.
func startServe(t *testing.T, args ...string) *serveRun {
	t.Helper()
	run := &serveRun{t: t, addr: freeAddr(t), done: make(chan serveExit, 1)}
	go func() {
		_, errOut, code := runCLI(t, append([]string{"serve", "--listen", run.addr}, args...)...)
		run.done <- serveExit{errOut, code}
	}()
	return run
}

func (r *serveRun) base() string { return "http://" + r.addr }

// await polls ok until it holds, failing if serve exits first or 60 s pass (a first scan).
func (r *serveRun) await(what string, ok func() bool) {
	r.t.Helper()
	for start := time.Now(); !ok(); {
		if time.Since(start) > time.Minute {
			r.t.Fatalf("serve: not within a minute: %s", what)
		}
		select {
		case exit := <-r.done:
			r.t.Fatalf("serve exited (%d) before %s: %s", exit.code, what, exit.stderr)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// awaitPath waits until path answers 200 over HTTP without a token.
func (r *serveRun) awaitPath(path string) {
	r.t.Helper()
	r.await(path+" answers 200", func() bool {
		code, _ := get(r.t, r.base()+path)
		return code == http.StatusOK
	})
}

// stop sends SIGTERM and returns how serve exited; past 20 s it fails with every goroutine's
// stack (what holds serve up).
func (r *serveRun) stop() serveExit {
	r.t.Helper()
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGTERM); err != nil {
		r.t.Fatal(err)
	}
	select {
	case exit := <-r.done:
		return exit
	case <-time.After(20 * time.Second):
		stacks := make([]byte, 1<<20)
		r.t.Fatalf("serve did not stop within 20 s of SIGTERM; goroutines:\n%s", stacks[:runtime.Stack(stacks, true)])
		return serveExit{}
	}
}

// demoScan scans the demo snapshot once and returns that scan's report and resources on every call.
func demoScan(t testing.TB) scanFunc {
	t.Helper()
	snap, err := snapfile.ReadFile(demo)
	if err != nil {
		t.Fatal(err)
	}
	rep := checks.Run(snap, checks.Registered(), checks.Selection{})
	return func(context.Context) (*checks.Report, map[snapshot.Resource]snapshot.Collection, error) {
		return rep, snap.Resources, nil
	}
}

// fetched is a response body's size and SHA-256: the client keeps no body in memory.
type fetched struct {
	size int64
	sum  [sha256.Size]byte
}

// fetchAll GETs url n times at once, as Go's client does (asking for gzip and decompressing
// the body), or, with identity, asking for the body as it is; every answer must be 200.
func fetchAll(t testing.TB, client *http.Client, url string, n int, identity bool) []fetched {
	t.Helper()
	out := make([]fetched, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			req, err := http.NewRequest(http.MethodGet, url, nil)
			if err != nil {
				t.Error(err)
				return
			}
			if identity {
				req.Header.Set("Accept-Encoding", "identity")
			}
			resp, err := client.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			defer resp.Body.Close()
			h := sha256.New()
			out[i].size, err = io.Copy(h, resp.Body)
			h.Sum(out[i].sum[:0])
			if err != nil || resp.StatusCode != http.StatusOK {
				t.Errorf("GET %s: %d %v", url, resp.StatusCode, err)
			}
			if identity && (resp.Header.Get("Content-Encoding") != "" || resp.ContentLength != out[i].size) {
				t.Errorf("GET %s as it is: Content-Encoding %q, Content-Length %d for %d bytes", url, resp.Header.Get("Content-Encoding"), resp.ContentLength, out[i].size)
			}
		})
	}
	wg.Wait()
	return out
}

// Parallel requests for a report render it once per scan, not once each: 32 fetches of
// /report.html over a 20,000-pod snapshot used to hold 32 renderings at once (4.7 GiB).
func TestServeRendersOncePerScan(t *testing.T) {
	s := newServer(demoScan(t), noAuth, io.Discard)
	s.limits.maxInFlight = 3 * 32
	var mu sync.Mutex
	renders := map[report.Format]int{}
	render := s.render
	s.render = func(w io.Writer, rep *checks.Report, f report.Format) error {
		mu.Lock()
		renders[f]++
		mu.Unlock()
		time.Sleep(50 * time.Millisecond) // long enough for every request to arrive during it
		return render(w, rep, f)
	}
	h := httptest.NewServer(s.handler())
	defer h.Close()
	for scan := 1; scan <= 2; scan++ {
		s.scanOnce(context.Background())
		var wg sync.WaitGroup
		for _, f := range servedReports {
			wg.Go(func() {
				// Half ask for gzip, half for the body as it is: the same bytes either way.
				var bodies []fetched
				var mu sync.Mutex
				var both sync.WaitGroup
				for _, identity := range []bool{false, true} {
					both.Go(func() {
						b := fetchAll(t, h.Client(), h.URL+f.path, 16, identity)
						mu.Lock()
						bodies = append(bodies, b...)
						mu.Unlock()
					})
				}
				both.Wait()
				var want bytes.Buffer
				if err := render(&want, s.current().report, f.format); err != nil {
					t.Error(err)
					return
				}
				for _, b := range bodies {
					if b.size != int64(want.Len()) || b.sum != sha256.Sum256(want.Bytes()) {
						t.Errorf("%s: an answer (%d bytes) is not the report rendered (%d bytes)", f.path, b.size, want.Len())
						break
					}
				}
			})
		}
		wg.Wait()
		for _, f := range servedReports {
			if renders[f.format] != scan {
				t.Errorf("after scan %d, %s rendered %d times, want %d (once per scan)", scan, f.format, renders[f.format], scan)
			}
		}
	}
}

// Past limits.maxInFlight requests at once the server answers 429 instead of taking more
// work; the probes are still answered.
func TestServeLimitsRequestsInFlight(t *testing.T) {
	s := newServer(demoScan(t), noAuth, io.Discard)
	s.limits.maxInFlight = 2
	release := make(chan struct{})
	render := s.render
	s.render = func(w io.Writer, rep *checks.Report, f report.Format) error {
		<-release
		return render(w, rep, f)
	}
	s.scanOnce(context.Background())
	h := httptest.NewServer(s.handler())
	defer h.Close()
	var wg sync.WaitGroup
	for _, p := range []string{"/report.json", "/report.html"} {
		wg.Go(func() {
			code := http.StatusTooManyRequests
			for code == http.StatusTooManyRequests { // a probe below may have had the slot
				code, _ = get(t, h.URL+p)
			}
			if code != http.StatusOK {
				t.Errorf("%s: %d once released", p, code)
			}
		})
	}
	// Both slots are taken once the two requests wait on the renderer: a third is refused.
	// (The probes are sent one at a time, so a refusal means both reports are in flight.)
	refused := false
	for i := 0; i < 100 && !refused; i++ {
		resp, err := http.Get(h.URL + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		refused = resp.StatusCode == http.StatusTooManyRequests && resp.Header.Get("Retry-After") != ""
		time.Sleep(20 * time.Millisecond)
	}
	if !refused {
		t.Error("a request past the limit was not refused with 429 and Retry-After")
	}
	for _, p := range []string{"/healthz", "/readyz"} {
		if code, _ := get(t, h.URL+p); code != http.StatusOK {
			t.Errorf("%s while the server is busy: %d", p, code)
		}
	}
	close(release)
	wg.Wait()
	if code, _ := get(t, h.URL+"/metrics"); code != http.StatusOK {
		t.Errorf("/metrics after the load: %d", code)
	}
}

// An idle keep-alive connection is closed after limits.idle; every timeout is set.
func TestServeClosesIdleConnections(t *testing.T) {
	for name, d := range map[string]time.Duration{"read header": defaultLimits.readHeader, "read": defaultLimits.read,
		"write": defaultLimits.write, "idle": defaultLimits.idle} {
		if d <= 0 {
			t.Errorf("no %s timeout", name)
		}
	}
	s := newServer(demoScan(t), noAuth, io.Discard)
	s.limits.idle = 200 * time.Millisecond
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan error, 1)
	go func() { stopped <- serve(ctx, ln, s, time.Hour) }()
	defer func() { cancel(); <-stopped }()

	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	br := bufio.NewReader(conn)
	for range 2 { // the connection is kept alive between requests
		if _, err := io.WriteString(conn, "GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n"); err != nil {
			t.Fatal(err)
		}
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := br.ReadByte(); err != io.EOF {
		t.Errorf("idle connection: read gave %v, want EOF (closed by the server)", err)
	}
}

func TestAcceptsGzip(t *testing.T) {
	for h, want := range map[string]bool{
		"": false, "identity": false, "gzip": true, "GZIP": true, "x-gzip": true, "gzip, deflate, br": true,
		"br;q=1.0, gzip;q=0.8": true, "gzip;q=0": false, "gzip; q=0.0, identity": false, "*": true,
		"*;q=0": false, "*, gzip;q=0": false, "gzip;q=0, *": false, "deflate": false, "gzip;q=abc": true,
	} {
		if got := acceptsGzip([]string{h}); got != want {
			t.Errorf("Accept-Encoding %q: gzip %v, want %v", h, got, want)
		}
	}
	if !acceptsGzip([]string{"identity", "gzip"}) {
		t.Error("gzip in a second Accept-Encoding header is not seen")
	}
}

// Accept-Encoding comes from any client: reading it never panics, and gzip listed without a
// weight is always accepted.
func FuzzAcceptsGzip(f *testing.F) {
	for _, s := range []string{"gzip", "gzip;q=0", "*;q=0.5, identity", ";;,=;q=", "gzip;q=1e400"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		acceptsGzip([]string{h})
		if !acceptsGzip([]string{h + ", gzip"}) {
			t.Errorf("%q, gzip: not accepted", h)
		}
	})
}
