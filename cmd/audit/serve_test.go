package main

import (
	"context"
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
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil/promlint"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/internal/testcluster"
	"github.com/kubeposture/kubeposture/metrics"
	"github.com/kubeposture/kubeposture/report"
	"github.com/kubeposture/kubeposture/snapshot"
)

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
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
	body, _ := serveAndScrape(t, "--snapshot", demo, "--exceptions", exampleExceptions)
	if !strings.Contains(body, `status="EXCEPTED"`) {
		t.Errorf("/metrics has no EXCEPTED finding although --exceptions applies to the demo")
	}
}

// The same against a real API server, collecting live as scan does.
func TestServeLive(t *testing.T) {
	_, kubeconfig := startEstate(t)
	body, rep := serveAndScrape(t, "--kubeconfig", kubeconfig)
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
// and parses /metrics, fetches the three reports, stops it with SIGTERM, and returns the
// metrics text and the JSON report.
func serveAndScrape(t *testing.T, args ...string) (string, *checks.Report) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	base := "http://" + addr

	type result struct {
		stderr string
		code   int
	}
	done := make(chan result, 1)
	go func() {
		_, errOut, code := runCLI(t, append([]string{"serve", "--listen", addr, "--interval", "1h"}, args...)...)
		done <- result{errOut, code}
	}()
	ready := false
	for i := 0; i < 600 && !ready; i++ { // up to 60 s for the first scan
		if code, _ := get(t, base+"/readyz"); code == http.StatusOK {
			ready = true
			break
		}
		select {
		case r := <-done:
			t.Fatalf("serve exited early (%d): %s", r.code, r.stderr)
		case <-time.After(100 * time.Millisecond):
		}
	}
	if !ready {
		t.Fatal("serve never became ready")
	}
	if code, body := get(t, base+"/healthz"); code != http.StatusOK {
		t.Errorf("/healthz: %d %s", code, body)
	}

	code, body := get(t, base+"/metrics")
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

	code, body = get(t, base+"/report.json")
	rep, err := report.ReadJSON(strings.NewReader(body))
	if code != http.StatusOK || err != nil || len(rep.Controls) == 0 {
		t.Errorf("/report.json: %d %v", code, err)
	}
	if code, body = get(t, base+"/report.html"); code != http.StatusOK || !strings.Contains(body, "<html") {
		t.Errorf("/report.html: %d", code)
	}
	code, body = get(t, base+"/report.sarif")
	var sarifDoc struct {
		Version string `json:"version"`
	}
	if code != http.StatusOK || json.Unmarshal([]byte(body), &sarifDoc) != nil || sarifDoc.Version != "2.1.0" {
		t.Errorf("/report.sarif: %d %q", code, sarifDoc.Version)
	}

	if err := syscall.Kill(syscall.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case r := <-done:
		if r.code != 0 || !strings.Contains(r.stderr, "audit serve: stopped") {
			t.Errorf("after SIGTERM: exit %d, stderr %q", r.code, r.stderr)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop on SIGTERM")
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
	}, io.Discard)
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
	addr := freeAddr(t)
	done := make(chan string, 1)
	go func() {
		_, errOut, _ := runCLI(t, "serve", "--listen", addr, "--kubeconfig", kubeconfig,
			"--qps", "0.01", "--burst", "1", "--skip-kubelet")
		done <- errOut
	}()
	waitServing(t, "http://"+addr, done)
	time.Sleep(500 * time.Millisecond) // the scan has started with the server; let it reach the limiter
	if code, _ := get(t, "http://"+addr+"/readyz"); code != http.StatusServiceUnavailable {
		t.Fatalf("/readyz %d while the first scan is under way, want 503", code)
	}
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case errOut := <-done:
		if !strings.Contains(errOut, "scan stopped") || !strings.Contains(errOut, "audit serve: stopped") {
			t.Errorf("stderr does not say the scan and the server stopped: %s", errOut)
		}
		if strings.Contains(errOut, "scan failed") {
			t.Errorf("a scan stopped by SIGTERM is reported as failed: %s", errOut)
		}
	case <-time.After(15 * time.Second):
		stacks := make([]byte, 1<<20)
		t.Fatalf("serve did not stop within 15 s of SIGTERM: the live collection ignored it; goroutines:\n%s", stacks[:runtime.Stack(stacks, true)])
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

// waitServing waits until base answers /healthz, failing if serve exits first (done).
func waitServing(t *testing.T, base string, done <-chan string) {
	t.Helper()
	for i := 0; i < 300; i++ {
		if code, _ := get(t, base+"/healthz"); code == http.StatusOK {
			return
		}
		select {
		case errOut := <-done:
			t.Fatalf("serve exited early: %s", errOut)
		case <-time.After(100 * time.Millisecond):
		}
	}
	t.Fatal("serve never answered /healthz")
}
