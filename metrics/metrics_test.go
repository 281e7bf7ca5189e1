package metrics

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func sampleScan() Scan {
	ctl := func(id string, layer checks.Layer, sev checks.Severity, results ...checks.Result) checks.ControlReport {
		counts := map[checks.Status]int{}
		for _, r := range results {
			counts[r.Status]++
		}
		return checks.ControlReport{Control: checks.Control{ID: id, Layer: layer, Severity: sev},
			Status: checks.Aggregate(results), Counts: counts, Results: results}
	}
	rep := &checks.Report{Cluster: snapshot.Cluster{UID: "uid-1"}, Controls: []checks.ControlReport{
		ctl("KP-WL-001", checks.Workload, checks.Critical,
			checks.Result{Status: checks.Fail}, checks.Result{Status: checks.Fail}, checks.Result{Status: checks.Pass}),
		ctl("KP-CP-001", checks.ControlPlane, checks.High, checks.Result{Status: checks.Pass}),
	}}
	rep.Summary = checks.Summary{
		Total:       checks.Tally{Score: 50},
		ByLayer:     map[checks.Layer]checks.Tally{checks.Workload: {Score: 0}, checks.ControlPlane: {Score: 100}, checks.Network: {Score: -1}},
		ByFramework: map[checks.Framework]checks.Tally{"cis-1.12": {Score: 50}},
	}
	return Scan{Report: rep, Duration: 1500 * time.Millisecond, Finished: time.Unix(1700000000, 0),
		Resources: map[snapshot.Resource]snapshot.Collection{
			snapshot.ResNodes: {State: snapshot.Collected, Count: 3},
			"pods":            {State: snapshot.Forbidden, Message: "forbidden"},
		}}
}

func TestRegistryValuesAndLint(t *testing.T) {
	reg := Registry(sampleScan())
	problems, err := testutil.GatherAndLint(reg)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("lint: %s: %s", p.Metric, p.Text)
	}
	want := `
# HELP kubeposture_findings Results (one control on one resource) of the last scan, by layer, severity, status and control.
# TYPE kubeposture_findings gauge
kubeposture_findings{control="KP-CP-001",layer="control-plane",severity="high",status="PASS"} 1
kubeposture_findings{control="KP-WL-001",layer="workload",severity="critical",status="FAIL"} 2
kubeposture_findings{control="KP-WL-001",layer="workload",severity="critical",status="PASS"} 1
# HELP kubeposture_collection_errors Resources the last scan could not fully collect (1 per resource), by resource and state (forbidden, notFound, failed, partial).
# TYPE kubeposture_collection_errors gauge
kubeposture_collection_errors{resource="pods",state="forbidden"} 1
# HELP kubeposture_score_percent Posture score of the last scan, 0-100, overall (scope="total"), per layer and per framework; absent when no control was evaluated.
# TYPE kubeposture_score_percent gauge
kubeposture_score_percent{name="",scope="total"} 50
kubeposture_score_percent{name="cis-1.12",scope="framework"} 50
kubeposture_score_percent{name="control-plane",scope="layer"} 100
kubeposture_score_percent{name="workload",scope="layer"} 0
# HELP kubeposture_objects_collected Objects collected by the last scan, per resource.
# TYPE kubeposture_objects_collected gauge
kubeposture_objects_collected{resource="nodes"} 3
kubeposture_objects_collected{resource="pods"} 0
# HELP kubeposture_last_success_timestamp_seconds Unix time of the last successful scan.
# TYPE kubeposture_last_success_timestamp_seconds gauge
kubeposture_last_success_timestamp_seconds 1.7e+09
# HELP kubeposture_scan_duration_seconds Wall time of the last successful scan (collection and checks), in seconds.
# TYPE kubeposture_scan_duration_seconds gauge
kubeposture_scan_duration_seconds 1.5
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), Findings, CollectionErrors, Score,
		ObjectsCollected, LastSuccess, ScanDuration); err != nil {
		t.Error(err)
	}
}

// A finding fixed between two scans must vanish from the gauges, not linger at its old value.
func TestUpdateReplacesPreviousScan(t *testing.T) {
	reg := prometheus.NewRegistry()
	s := New(reg)
	sc := sampleScan()
	s.Update(sc)
	sc.Report.Controls = sc.Report.Controls[1:]
	s.Update(sc)
	if n := testutil.CollectAndCount(s.findings); n != 1 {
		t.Errorf("findings series after the second scan: %d, want 1", n)
	}
	s.Failed()
	if v := testutil.ToFloat64(s.scanFailures); v != 1 {
		t.Errorf("scan failures: %v", v)
	}
	if v := testutil.ToFloat64(s.scans); v != 3 {
		t.Errorf("scans: %v", v)
	}
}

func TestPushToLoopbackGateway(t *testing.T) {
	var gotPath, gotMethod string
	var families map[string]*dto.MetricFamily
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotPath, gotMethod = r.URL.Path, r.Method
		dec := expfmt.NewDecoder(r.Body, expfmt.ResponseFormat(r.Header))
		families = map[string]*dto.MetricFamily{}
		for {
			mf := &dto.MetricFamily{}
			if err := dec.Decode(mf); err != nil {
				break
			}
			families[mf.GetName()] = mf
		}
		w.WriteHeader(http.StatusOK)
	}))
	defer srv.Close()

	if err := Push(context.Background(), srv.URL, sampleScan()); err != nil {
		t.Fatal(err)
	}
	if gotMethod != http.MethodPut || gotPath != "/metrics/job/kubeposture/cluster_uid/uid-1" {
		t.Errorf("push went to %s %s", gotMethod, gotPath)
	}
	for _, name := range []string{Findings, Score, ScanDuration, ObjectsCollected, CollectionErrors, LastSuccess} {
		if families[name] == nil {
			t.Errorf("pushed families lack %s (got %d families)", name, len(families))
		}
	}
	f := families[Findings]
	if f == nil {
		t.FailNow()
	}
	found := false
	for _, m := range f.Metric {
		labels := map[string]string{}
		for _, lp := range m.Label {
			labels[lp.GetName()] = lp.GetValue()
		}
		if labels["control"] == "KP-WL-001" && labels["status"] == "FAIL" && labels["layer"] == "workload" &&
			labels["severity"] == "critical" && m.GetGauge().GetValue() == 2 {
			found = true
		}
	}
	if !found {
		t.Errorf("no kubeposture_findings{control=KP-WL-001,status=FAIL,...} 2 in the push: %v", f)
	}
}

func TestPushError(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "nope", http.StatusBadRequest)
	}))
	defer srv.Close()
	err := Push(context.Background(), srv.URL, sampleScan())
	if err == nil || !strings.Contains(err.Error(), srv.URL) {
		t.Errorf("err = %v, want one naming the URL", err)
	}
}

// A password in the gateway's URL is sent as basic authentication and never printed: the
// error of a failed push names the URL with the password masked.
func TestPushPasswordNotPrinted(t *testing.T) {
	const password = "s3cr3t-pushgateway-password"
	var gotUser, gotPass string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotUser, gotPass, _ = r.BasicAuth()
		http.Error(w, "gateway says no", http.StatusInternalServerError)
	}))
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	u.User = url.UserPassword("pusher", password)
	err := Push(context.Background(), u.String(), sampleScan())
	if err == nil || strings.Contains(err.Error(), password) || !strings.Contains(err.Error(), "pusher:xxxxx@") {
		t.Errorf("err = %v, want the URL named with the password masked", err)
	}
	if gotUser != "pusher" || gotPass != password {
		t.Errorf("basic auth sent: %q, %q", gotUser, gotPass)
	}
	// Unreachable, and not a URL at all: the same.
	for _, bad := range []string{"http://pusher:" + password + "@127.0.0.1:1", "http://pusher:" + password + "@[::1"} {
		if err := Push(context.Background(), bad, sampleScan()); err == nil || strings.Contains(err.Error(), password) {
			t.Errorf("%s: err = %v, want an error without the password", strings.ReplaceAll(bad, password, "…"), err)
		}
	}
}
