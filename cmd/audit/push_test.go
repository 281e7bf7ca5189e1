package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"

	"github.com/kubeposture/kubeposture/metrics"
)

// scan --pushgateway pushes the scan's metrics once, to the job's group of the cluster.
func TestScanPushgateway(t *testing.T) {
	var paths []string
	families := map[string]*dto.MetricFamily{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		paths = append(paths, r.Method+" "+r.URL.Path)
		dec := expfmt.NewDecoder(r.Body, expfmt.ResponseFormat(r.Header))
		for {
			mf := &dto.MetricFamily{}
			if dec.Decode(mf) != nil {
				break
			}
			families[mf.GetName()] = mf
		}
	}))
	defer srv.Close()

	_, errOut, code := runCLI(t, "scan", "--snapshot", demo, "--output", "json", "--pushgateway", srv.URL)
	if code != 1 {
		t.Fatalf("exit code %d, want 1 (the demo has failures); stderr: %s", code, errOut)
	}
	if len(paths) != 1 || !strings.HasPrefix(paths[0], "PUT /metrics/job/kubeposture/cluster_uid") {
		t.Errorf("pushes: %v", paths)
	}
	for _, name := range []string{metrics.Findings, metrics.Score, metrics.ObjectsCollected, metrics.LastSuccess, metrics.ScanDuration} {
		if families[name] == nil || len(families[name].Metric) == 0 {
			t.Errorf("the push lacks %s", name)
		}
	}

	_, errOut, code = runCLI(t, "scan", "--snapshot", demo, "--pushgateway", "http://127.0.0.1:1")
	if code != 2 || !strings.Contains(errOut, "--pushgateway") {
		t.Errorf("unreachable gateway: exit %d, stderr %q; want 2 naming --pushgateway", code, errOut)
	}
}
