package controlplane

import (
	"strings"
	"testing"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func TestAnonymousProbe(t *testing.T) {
	p := func(path string, code int) snapshot.ProbeResult { return snapshot.ProbeResult{Path: path, Code: code} }
	for _, tc := range []struct {
		name     string
		results  []snapshot.ProbeResult
		noProbe  bool
		want     checks.Status
		observed string
	}{
		{"not probed", nil, true, checks.NotEvaluated, ""},
		{"anonymous off", []snapshot.ProbeResult{p("/version", 401), p("/api", 401)}, false, checks.Pass, "2×401"},
		{"public paths only", []snapshot.ProbeResult{p("/version", 200), p("/healthz", 200), p("/api", 403), p("/api/v1/secrets?limit=1", 403)}, false, checks.Pass, "/version (200)"},
		{"pods reached", []snapshot.ProbeResult{p("/version", 200), p("/api/v1/pods?limit=1", 200)}, false, checks.Fail, "/api/v1/pods?limit=1 (200)"},
		{"discovery reached", []snapshot.ProbeResult{p("/apis", 200)}, false, checks.Fail, "/apis"},
		{"similar path is not public", []snapshot.ProbeResult{p("/versions", 200)}, false, checks.Fail, "/versions"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			snap := apiserverSnap(nil)
			if !tc.noProbe {
				snap.Resources[snapshot.ResAnonymousProbe] = snapshot.Collection{State: snapshot.Collected}
				snap.APIServer = &snapshot.APIServerObservations{Anonymous: tc.results}
			}
			rs := anonymousProbe(snap)
			if len(rs) != 1 || rs[0].Status != tc.want || !strings.Contains(rs[0].Evidence.Observed, tc.observed) {
				t.Fatalf("got %+v, want one %s observing %q", rs, tc.want, tc.observed)
			}
		})
	}
}
