package network

import (
	"fmt"
	"testing"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/internal/synth"
)

// BenchmarkNetworkControls runs every network-layer control over internal/synth snapshots, as
// a scan does: concurrently, sharing one NetworkPolicy engine per run (checks.Memo).
func BenchmarkNetworkControls(b *testing.B) {
	sel := checks.Selection{Layers: []checks.Layer{checks.Network}}
	selected, err := sel.Select(checks.Registered())
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{10_000, 100_000} {
		s := synth.Snapshot(n)
		b.Run(fmt.Sprintf("pods=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				rep := checks.Run(s, selected, sel)
				if len(rep.Controls) != len(selected) {
					b.Fatalf("%d controls, want %d", len(rep.Controls), len(selected))
				}
			}
		})
	}
}
