package node

import (
	"testing"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func TestCgroupV2(t *testing.T) {
	for _, tc := range []struct {
		name   string
		cgroup int
		kernel string
		want   checks.Status
	}{
		{"v2", 2, "6.8.0-45-generic", checks.Pass},
		{"v2 at 5.8", 2, "5.8.0", checks.Pass},
		{"v2 old kernel", 2, "5.4.0-150-generic", checks.Warn},
		{"v1", 1, "6.8.0", checks.Fail},
		{"unknown", 0, "6.8.0", checks.NotEvaluated},
		{"bad kernel", 2, "?", checks.NotEvaluated},
	} {
		t.Run(tc.name, func(t *testing.T) {
			snap := withReports(snapshot.New(), snapshot.NodeReport{Node: "n", OS: snapshot.NodeOS{CgroupVersion: tc.cgroup, Kernel: tc.kernel}})
			rs := cgroupV2(snap)
			if len(rs) != 1 || rs[0].Status != tc.want || rs[0].Resource.Name != "n" {
				t.Fatalf("got %+v, want %s", rs, tc.want)
			}
		})
	}
	if rs := cgroupV2(snapshot.New()); len(rs) != 1 || rs[0].Status != checks.NotEvaluated {
		t.Errorf("no reports: %+v", rs)
	}
}
