package network

import (
	"strings"
	"testing"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func collected(rs ...snapshot.Resource) *snapshot.Snapshot {
	s := snapshot.New()
	for _, r := range rs {
		s.Resources[r] = snapshot.Collection{State: snapshot.Collected}
	}
	return s
}

// check compares one result with the expected status and evidence substrings.
func check(t *testing.T, r checks.Result, status checks.Status, observed ...string) {
	t.Helper()
	if r.Status != status {
		t.Errorf("%s: status %s, want %s (evidence %+v, reason %q)", r.Resource, r.Status, status, r.Evidence, r.Reason)
	}
	for _, sub := range observed {
		if !strings.Contains(r.Evidence.Observed, sub) {
			t.Errorf("%s: observed %q does not contain %q", r.Resource, r.Evidence.Observed, sub)
		}
	}
	if r.Evidence.Expected == "" || r.Evidence.Where == "" {
		t.Errorf("%s: incomplete evidence %+v", r.Resource, r.Evidence)
	}
}
