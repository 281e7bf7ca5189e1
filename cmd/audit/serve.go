package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/spf13/cobra"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/metrics"
	"github.com/kubeposture/kubeposture/report"
	"github.com/kubeposture/kubeposture/snapshot"
	"github.com/kubeposture/kubeposture/snapshot/snapfile"
)

type serveFlags struct {
	listen     string
	noAuth     bool
	tlsCert    string
	tlsKey     string
	interval   time.Duration
	snapshot   string
	frameworks []string
	layers     []string
	controls   []string
	registries []string
	exceptions exceptionFlags
}

func newServeCommand() *cobra.Command {
	kube := newKubeFlags()
	var sf serveFlags
	var cf collectFlags
	var ff fileFlags
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Scan on an interval and serve /metrics, health and the latest report over HTTP",
		Long: `serve scans the cluster (or --snapshot) at start and then every --interval, and serves:
  /metrics       Prometheus metrics of the latest scan (kubeposture_*)
  /healthz       200 while the process runs
  /readyz        200 once a scan has completed, 503 before
  /report.html, /report.json, /report.sarif   the latest report (503 before the first scan)
Every path but /healthz and /readyz needs a bearer token that the cluster's API server accepts
(TokenReview) and whose user may get that path as a non-resource URL (SubjectAccessReview):
a ClusterRole with nonResourceURLs ["/metrics"] for Prometheus, ["/report.html", "/report.json",
"/report.sarif"] for the reports. serve's own identity needs the ClusterRole
system:auth-delegator. No token: 401; no permission: 403. --insecure-no-auth serves anyone,
for local use. --tls-cert-file and --tls-private-key-file serve HTTPS, and are read again when
they change.
A failed scan keeps the previous report and metrics (kubeposture_scan_failures_total counts it,
and kubeposture_last_success_timestamp_seconds ages). SIGTERM or SIGINT stops a scan in
progress and shuts the server down gracefully.`,
		Example: `  audit serve --listen :8443 --tls-cert-file tls.crt --tls-private-key-file tls.key --interval 1h
  audit serve --snapshot examples/snapshots/demo.json --insecure-no-auth`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGTERM, os.Interrupt)
			defer stop()
			scan, err := newServeScan(kube, &sf, &cf, &ff)
			if err != nil {
				return err
			}
			g, err := serveGuard(kube, &sf, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			tlsConfig, err := servingTLS(ctx, sf.tlsCert, sf.tlsKey)
			if err != nil {
				return err
			}
			ln, err := net.Listen("tcp", sf.listen)
			if err != nil {
				return fmt.Errorf("--listen: %w", err)
			}
			scheme := "http"
			if tlsConfig != nil {
				ln, scheme = tls.NewListener(ln, tlsConfig), "https"
			} else if !sf.noAuth && !loopback(sf.listen) {
				fmt.Fprintf(cmd.ErrOrStderr(), "audit serve: warning: plain HTTP on %s: bearer tokens and reports cross the network unencrypted; give --tls-cert-file and --tls-private-key-file\n", sf.listen)
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "audit serve: listening on %s://%s, scanning every %s\n", scheme, ln.Addr(), sf.interval)
			return serve(ctx, ln, newServer(scan, g, cmd.ErrOrStderr()), sf.interval)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&sf.listen, "listen", "127.0.0.1:8080", "address to serve on (host:port); in a pod, :PORT (every address of the pod)")
	fl.BoolVar(&sf.noAuth, "insecure-no-auth", false, "serve /metrics and the reports to anyone who reaches --listen, without authentication or authorization (local use only)")
	fl.StringVar(&sf.tlsCert, "tls-cert-file", "", "serve HTTPS with this PEM certificate (chain), read again when it changes")
	fl.StringVar(&sf.tlsKey, "tls-private-key-file", "", "the PEM private key of --tls-cert-file")
	fl.DurationVar(&sf.interval, "interval", time.Hour, "time between the end of a scan and the start of the next")
	fl.StringVar(&sf.snapshot, "snapshot", "", "scan this snapshot file on every interval instead of the live cluster (for tests and demos)")
	fl.StringSliceVar(&sf.frameworks, "framework", nil, "frameworks to check (as scan)")
	fl.StringSliceVar(&sf.layers, "layer", nil, "layers to check (as scan)")
	fl.StringSliceVar(&sf.controls, "control", nil, "controls to check (as scan)")
	addAllowedRegistries(cmd, &sf.registries)
	sf.exceptions.add(cmd, true)
	cf.add(cmd)
	ff.add(cmd)
	kube.addFlags(cmd)
	addSelectionCompletion(cmd)
	return cmd
}

// serveGuard is the authentication and authorization of every path but the probes: the API
// server's TokenReview and SubjectAccessReview, or none with --insecure-no-auth.
func serveGuard(kube *kubeFlags, sf *serveFlags, log io.Writer) (guard, error) {
	if sf.noAuth {
		fmt.Fprintf(log, "audit serve: warning: --insecure-no-auth: anyone who reaches %s can read the cluster's findings and metrics: for local use only\n", sf.listen)
		return noAuth, nil
	}
	cfg, err := kube.ToRESTConfig()
	if err != nil {
		return nil, fmt.Errorf("serve checks each request's bearer token with the cluster's API server, whose configuration could not be loaded: %w (use --kubeconfig and --context, or run in a pod with a service account; --insecure-no-auth serves without authentication, for local use)", err)
	}
	a, err := newDelegatedAuth(cfg, log)
	if err != nil {
		return nil, err
	}
	return a.guard, nil
}

// scanFunc runs one scan: the report and the collection outcome.
type scanFunc func(ctx context.Context) (*checks.Report, map[snapshot.Resource]snapshot.Collection, error)

// newServeScan validates the flags once, and returns the scan that serve repeats.
func newServeScan(kube *kubeFlags, sf *serveFlags, cf *collectFlags, ff *fileFlags) (scanFunc, error) {
	if sf.interval <= 0 {
		return nil, fmt.Errorf("--interval must be positive, got %s", sf.interval)
	}
	sel, err := selection(&scanFlags{frameworks: sf.frameworks, layers: sf.layers, controls: sf.controls, registries: sf.registries}, kube)
	if err != nil {
		return nil, err
	}
	selected, err := sel.Select(checks.Registered())
	if err != nil {
		return nil, fmt.Errorf("--control: %w", err)
	}
	if err := sf.exceptions.load(); err != nil {
		return nil, err
	}
	if err := cf.validate(); err != nil {
		return nil, err
	}
	// A snapshot that is not there now is a typo, not a scan to retry every interval.
	if sf.snapshot != "" {
		if _, err := os.Stat(sf.snapshot); err != nil {
			return nil, fmt.Errorf("--snapshot: %w", err)
		}
	}
	return func(ctx context.Context) (*checks.Report, map[snapshot.Resource]snapshot.Collection, error) {
		var snap *snapshot.Snapshot
		var err error
		if sf.snapshot != "" {
			snap, err = snapfile.ReadFile(sf.snapshot)
		} else {
			snap, err = collectLive(ctx, kube, cf)
		}
		if err != nil {
			return nil, nil, err
		}
		if err := ff.apply(snap); err != nil {
			return nil, nil, err
		}
		rep := checks.Run(snap, selected, sel)
		sf.exceptions.apply(rep, snap)
		return rep, snap.Resources, nil
	}, nil
}

// servedReports are the reports serve hands out, by path.
var servedReports = [...]struct {
	path        string
	format      report.Format
	contentType string
}{
	{"/report.html", report.HTML, "text/html; charset=utf-8"},
	{"/report.json", report.JSON, "application/json"},
	{"/report.sarif", report.SARIF, "application/sarif+json"},
}

// httpLimits bound what clients can make the server hold: time per request and per idle
// connection, header size, and requests served at once.
type httpLimits struct {
	readHeader, read, write, idle time.Duration
	maxHeaderBytes                int
	maxInFlight                   int
}

// defaultLimits: the write timeout covers rendering a report on its first request after a
// scan and sending it (tens of MB for a large cluster); an idle keep-alive connection is
// closed after a minute; 16 requests at once is ample for Prometheus and a few people.
var defaultLimits = httpLimits{
	readHeader:     10 * time.Second,
	read:           30 * time.Second,
	write:          2 * time.Minute,
	idle:           time.Minute,
	maxHeaderBytes: 64 << 10,
	maxInFlight:    16,
}

// server holds the latest scan and the metrics registry.
type server struct {
	scan    scanFunc
	guard   guard
	log     io.Writer
	reg     *prometheus.Registry
	metrics *metrics.Set
	limits  httpLimits
	// render writes one format of a report; renders run one at a time (renderMu), so that
	// however many requests arrive, at most one rendering is in memory besides those kept.
	render   func(io.Writer, *checks.Report, report.Format) error
	renderMu sync.Mutex

	mu     sync.RWMutex
	latest *published
}

// published is a scan as served: its report, when it finished, and each served format,
// rendered on its first request and kept until the next scan.
type published struct {
	report   *checks.Report
	finished time.Time
	rendered [len(servedReports)]rendering
}

// rendering is one format of a report, kept gzip-compressed: the renderer writes through the
// compressor, so that neither the rendering nor what is kept is the report's full size, which
// for a large cluster is hundreds of MB (examples/serve/README.md).
type rendering struct {
	once sync.Once
	gz   []byte
	size int64 // uncompressed
	err  error
}

func newServer(scan scanFunc, g guard, log io.Writer) *server {
	reg := prometheus.NewRegistry()
	return &server{
		scan: scan, guard: g, log: log, reg: reg, metrics: metrics.New(reg),
		limits: defaultLimits,
		render: func(w io.Writer, rep *checks.Report, f report.Format) error {
			return report.Write(w, rep, f, report.Options{})
		},
	}
}

// scanOnce runs a scan and publishes its report and metrics; a failure keeps the previous.
func (s *server) scanOnce(ctx context.Context) {
	start := time.Now()
	rep, resources, err := s.scan(ctx)
	if err != nil && ctx.Err() != nil {
		fmt.Fprintf(s.log, "audit serve: scan stopped: %v\n", err)
		return
	}
	if err != nil {
		s.metrics.Failed()
		fmt.Fprintf(s.log, "audit serve: scan failed (keeping the previous report): %v\n", err)
		return
	}
	finished := time.Now()
	s.metrics.Update(metrics.Scan{Report: rep, Resources: resources, Duration: finished.Sub(start), Finished: finished})
	s.mu.Lock()
	s.latest = &published{report: rep, finished: finished}
	s.mu.Unlock()
}

func (s *server) current() *published {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.latest
}

// rendered is the i-th served format of p's report, rendered by the first request that asks.
func (s *server) rendered(p *published, i int) *rendering {
	r := &p.rendered[i]
	r.once.Do(func() {
		s.renderMu.Lock()
		defer s.renderMu.Unlock()
		// Rendered whole before the first byte is sent, so that a rendering error is a 500,
		// not half a page. The fastest level: the reports are repetitive enough to compress
		// well at it, at a small part of the rendering's cost.
		var b bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&b, gzip.BestSpeed)
		cw := &countingWriter{w: zw}
		if r.err = s.render(cw, p.report, servedReports[i].format); r.err == nil {
			r.err = zw.Close()
		}
		if r.err == nil {
			r.gz, r.size = bytes.Clone(b.Bytes()), cw.n // kept at its exact size
		}
	})
	return r
}

// serve writes the rendering: as it is kept to a client that accepts gzip (browsers, curl
// --compressed, Go's client), decompressed as it is sent to any other.
func (r *rendering) serve(w http.ResponseWriter, req *http.Request, modified time.Time) {
	w.Header().Set("Vary", "Accept-Encoding")
	if acceptsGzip(req.Header.Values("Accept-Encoding")) {
		w.Header().Set("Content-Encoding", "gzip")
		http.ServeContent(w, req, "", modified, bytes.NewReader(r.gz))
		return
	}
	w.Header().Set("Last-Modified", modified.UTC().Format(http.TimeFormat))
	w.Header().Set("Content-Length", strconv.FormatInt(r.size, 10))
	if req.Method == http.MethodHead {
		return
	}
	zr, err := gzip.NewReader(bytes.NewReader(r.gz))
	if err == nil {
		_, err = io.Copy(w, zr)
	}
	if err != nil {
		panic(http.ErrAbortHandler) // the status is sent: only closing the connection says the body is cut short
	}
}

// acceptsGzip reads Accept-Encoding headers (RFC 9110, 12.5.3): gzip (or x-gzip) with a
// non-zero weight, or * with one when gzip is not listed.
func acceptsGzip(headers []string) bool {
	gzipQ, anyQ := -1.0, -1.0
	for _, h := range headers {
		for _, coding := range strings.Split(h, ",") {
			name, params, _ := strings.Cut(coding, ";")
			q := 1.0
			for _, p := range strings.Split(params, ";") {
				if k, v, ok := strings.Cut(strings.TrimSpace(p), "="); ok && strings.EqualFold(k, "q") {
					if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
						q = f
					}
				}
			}
			switch strings.ToLower(strings.TrimSpace(name)) {
			case "gzip", "x-gzip":
				gzipQ = max(gzipQ, q)
			case "*":
				anyQ = max(anyQ, q)
			}
		}
	}
	if gzipQ >= 0 {
		return gzipQ > 0
	}
	return anyQ > 0
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func (s *server) handler() http.Handler {
	mux := http.NewServeMux()
	// The probes are answered whatever the load: a kubelet that cannot reach them restarts
	// the pod.
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok\n") })
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		if s.current() == nil {
			http.Error(w, "no scan has completed yet", http.StatusServiceUnavailable)
			return
		}
		io.WriteString(w, "ok\n")
	})
	data := http.NewServeMux()
	data.Handle("GET /metrics", promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{}))
	for i, f := range servedReports {
		data.HandleFunc("GET "+f.path, func(w http.ResponseWriter, r *http.Request) {
			p := s.current()
			if p == nil {
				http.Error(w, "no scan has completed yet", http.StatusServiceUnavailable)
				return
			}
			rendering := s.rendered(p, i)
			if rendering.err != nil {
				fmt.Fprintf(s.log, "audit serve: render %s: %v\n", f.path, rendering.err)
				http.Error(w, "the report could not be rendered", http.StatusInternalServerError)
				return
			}
			w.Header().Set("Content-Type", f.contentType)
			rendering.serve(w, r, p.finished)
		})
	}
	// Limited before the guard: a flood of new tokens makes at most maxInFlight reviews at once.
	mux.Handle("/", limitInFlight(s.guard(data), s.limits.maxInFlight))
	return mux
}

// limitInFlight answers 429 while n requests are being served, as the API server's
// max-in-flight filter does, rather than queueing without bound.
func limitInFlight(h http.Handler, n int) http.Handler {
	inFlight := make(chan struct{}, n)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case inFlight <- struct{}{}:
			defer func() { <-inFlight }()
			h.ServeHTTP(w, r)
		default:
			w.Header().Set("Retry-After", "1")
			http.Error(w, "too many requests at once, retry later", http.StatusTooManyRequests)
		}
	})
}

// serve scans now and then every interval, serving on ln, until ctx is done; it then stops
// accepting, lets requests in flight finish (up to 10 s) and waits for a running scan.
func serve(ctx context.Context, ln net.Listener, s *server, interval time.Duration) error {
	srv := &http.Server{
		Handler:           s.handler(),
		ReadHeaderTimeout: s.limits.readHeader,
		ReadTimeout:       s.limits.read,
		WriteTimeout:      s.limits.write,
		IdleTimeout:       s.limits.idle,
		MaxHeaderBytes:    s.limits.maxHeaderBytes,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()

	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			s.scanOnce(ctx)
			select {
			case <-ctx.Done():
				return
			case <-time.After(interval):
			}
		}
	}()

	var err error
	select {
	case <-ctx.Done():
	case err = <-errc:
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if serr := srv.Shutdown(shutdownCtx); serr != nil && err == nil {
		err = serr
	}
	wg.Wait()
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	if err == nil {
		fmt.Fprintf(s.log, "audit serve: stopped\n")
	}
	return err
}
