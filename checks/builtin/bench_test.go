package builtin_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/kubeposture/kubeposture/checks"
	_ "github.com/kubeposture/kubeposture/checks/builtin"
	"github.com/kubeposture/kubeposture/internal/synth"
	"github.com/kubeposture/kubeposture/snapshot/snapfile"
)

// BenchmarkEngine runs every built-in control over synthetic snapshots: the cost of
// `audit scan --snapshot` without reading the file. KUBEPOSTURE_BENCH_SNAPSHOT names a
// snapshot file to run them over too (test/scale -keep DIR leaves one in DIR).
func BenchmarkEngine(b *testing.B) {
	if path := os.Getenv("KUBEPOSTURE_BENCH_SNAPSHOT"); path != "" {
		b.Run("snapshot="+filepath.Base(filepath.Dir(path)), func(b *testing.B) {
			snap, err := snapfile.ReadFile(path)
			if err != nil {
				b.Fatal(err)
			}
			all := checks.Registered()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				checks.Run(snap, all, checks.Selection{})
			}
		})
	}
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
