package builtin_test

import (
	"testing"

	"github.com/kubeposture/kubeposture/checks"
	_ "github.com/kubeposture/kubeposture/checks/builtin"
	"github.com/kubeposture/kubeposture/internal/synth"
)

// BenchmarkEngine runs every built-in control over synthetic snapshots: the cost of
// `audit scan --snapshot` without reading the file.
func BenchmarkEngine(b *testing.B) {
	for _, size := range []struct {
		name string
		pods int
	}{{"pods=10000", 10000}, {"pods=100000", 100000}} {
		b.Run(size.name, func(b *testing.B) {
			snap := synth.Snapshot(size.pods)
			all := checks.Registered()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				rep := checks.Run(snap, all, checks.Selection{})
				if len(rep.Controls) != len(all) {
					b.Fatalf("%d controls reported, want %d", len(rep.Controls), len(all))
				}
			}
		})
	}
}
