// Package metrics turns a checks.Report, and the collection outcome of the snapshot it was
// run over, into Prometheus metrics: the same families for 'audit serve' (scraped from
// /metrics) and for 'audit scan --pushgateway' (pushed once per run).
//
// Names follow client_golang's conventions: the kubeposture_ namespace, base units (seconds),
// _total only for counters, and gauges for values that a new scan replaces. Findings are
// gauges, not counters: they are a state of the cluster at the last scan, which can go down.
package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

// Namespace prefixes every metric this package exports.
const Namespace = "kubeposture"

// Metric names, exported so that tests (and the example PrometheusRule's test) can check
// that every name an alert uses exists.
const (
	Findings          = Namespace + "_findings"
	ControlStatus     = Namespace + "_controls"
	Score             = Namespace + "_score_percent"
	ScanDuration      = Namespace + "_scan_duration_seconds"
	ObjectsCollected  = Namespace + "_objects_collected"
	CollectionErrors  = Namespace + "_collection_errors"
	LastSuccess       = Namespace + "_last_success_timestamp_seconds"
	ScansTotal        = Namespace + "_scans_total"
	ScanFailuresTotal = Namespace + "_scan_failures_total"
)

// Names lists every metric family name the package can export.
var Names = []string{Findings, ControlStatus, Score, ScanDuration, ObjectsCollected,
	CollectionErrors, LastSuccess, ScansTotal, ScanFailuresTotal}

// Scan is one scan's outcome as the metrics need it.
type Scan struct {
	Report *checks.Report
	// Resources is the snapshot's collection outcome (snapshot.Snapshot.Resources).
	Resources map[snapshot.Resource]snapshot.Collection
	Duration  time.Duration
	// Finished is when the scan completed; it becomes the last-success timestamp.
	Finished time.Time
}

// Set holds the metric vectors of one registry. Update replaces the per-scan values, so that
// a finding that disappeared from the cluster disappears from /metrics too.
type Set struct {
	findings     *prometheus.GaugeVec
	controls     *prometheus.GaugeVec
	score        *prometheus.GaugeVec
	duration     prometheus.Gauge
	objects      *prometheus.GaugeVec
	collErrors   *prometheus.GaugeVec
	lastSuccess  prometheus.Gauge
	scans        prometheus.Counter
	scanFailures prometheus.Counter
}

// New registers the metric families on reg.
func New(reg prometheus.Registerer) *Set {
	s := &Set{
		findings: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: Findings,
			Help: "Results (one control on one resource) of the last scan, by layer, severity, status and control."},
			[]string{"layer", "severity", "status", "control"}),
		controls: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: ControlStatus,
			Help: "Controls of the last scan by layer and aggregate status."},
			[]string{"layer", "status"}),
		score: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: Score,
			Help: "Posture score of the last scan, 0-100, overall (scope=\"total\"), per layer and per framework; absent when no control was evaluated."},
			[]string{"scope", "name"}),
		duration: prometheus.NewGauge(prometheus.GaugeOpts{Name: ScanDuration,
			Help: "Wall time of the last successful scan (collection and checks), in seconds."}),
		objects: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: ObjectsCollected,
			Help: "Objects collected by the last scan, per resource."},
			[]string{"resource"}),
		collErrors: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: CollectionErrors,
			Help: "Resources the last scan could not fully collect (1 per resource), by resource and state (forbidden, notFound, failed, partial)."},
			[]string{"resource", "state"}),
		lastSuccess: prometheus.NewGauge(prometheus.GaugeOpts{Name: LastSuccess,
			Help: "Unix time of the last successful scan."}),
		scans: prometheus.NewCounter(prometheus.CounterOpts{Name: ScansTotal,
			Help: "Scans attempted since the process started."}),
		scanFailures: prometheus.NewCounter(prometheus.CounterOpts{Name: ScanFailuresTotal,
			Help: "Scans that failed (no report) since the process started."}),
	}
	reg.MustRegister(s.findings, s.controls, s.score, s.duration, s.objects, s.collErrors,
		s.lastSuccess, s.scans, s.scanFailures)
	return s
}

// Update replaces the per-scan values with those of sc and counts one successful scan.
func (s *Set) Update(sc Scan) {
	s.scans.Inc()
	s.findings.Reset()
	s.controls.Reset()
	s.score.Reset()
	s.objects.Reset()
	s.collErrors.Reset()

	rep := sc.Report
	for i := range rep.Controls {
		c := &rep.Controls[i]
		layer, sev := string(c.Layer), string(c.Severity)
		s.controls.WithLabelValues(layer, string(c.Status)).Inc()
		for st, n := range c.Counts {
			if n > 0 {
				s.findings.WithLabelValues(layer, sev, string(st), c.ID).Add(float64(n))
			}
		}
	}
	setScore := func(scope, name string, t checks.Tally) {
		if t.Score >= 0 { // -1: nothing evaluated, no score (a 0 would read as "all failed")
			s.score.WithLabelValues(scope, name).Set(t.Score)
		}
	}
	setScore("total", "", rep.Summary.Total)
	for l, t := range rep.Summary.ByLayer {
		setScore("layer", string(l), t)
	}
	for f, t := range rep.Summary.ByFramework {
		setScore("framework", string(f), t)
	}
	for r, c := range sc.Resources {
		s.objects.WithLabelValues(string(r)).Set(float64(c.Count))
		if c.State != snapshot.Collected {
			s.collErrors.WithLabelValues(string(r), string(c.State)).Set(1)
		}
	}
	s.duration.Set(sc.Duration.Seconds())
	s.lastSuccess.Set(float64(sc.Finished.Unix()))
}

// Failed counts one scan that produced no report. The previous scan's values stay, and the
// last-success timestamp ages, which is what the "scan stale" alert watches.
func (s *Set) Failed() {
	s.scans.Inc()
	s.scanFailures.Inc()
}

// Registry returns a fresh registry holding the metrics of one scan (for a push).
func Registry(sc Scan) *prometheus.Registry {
	reg := prometheus.NewRegistry()
	New(reg).Update(sc)
	return reg
}
