package node

import (
	"fmt"
	"testing"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

// BenchmarkNodeLayer runs every node control over N nodes with configz and a node report
// each, one node in a hundred configured differently: the cost of judging and grouping.
func BenchmarkNodeLayer(b *testing.B) {
	for _, n := range []int{500, 5000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			var ks []snapshot.Kubelet
			var reps []snapshot.NodeReport
			for i := range n {
				name := fmt.Sprintf("pool-%05d", i)
				cfg := secure()
				if i%100 == 7 {
					cfg = insecure()
				}
				ks = append(ks, collected(name, cfg))
				reps = append(reps, snapshot.NodeReport{Node: name, Kubelet: &snapshot.NodeKubelet{Effective: cfg},
					Files: []snapshot.NodeFile{{Path: "/var/lib/kubelet/config.yaml", Role: snapshot.RoleKubeletConfig, Exists: true, Mode: 0o644}}})
			}
			snap := withReports(kubeletSnap(ks...), reps...)
			sel := checks.Selection{Layers: []checks.Layer{checks.Node}}
			selected, _ := sel.Select(checks.Registered())
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				rep := checks.Run(snap, selected, sel)
				if rep.Controls[0].Counts[checks.Pass] != 1 {
					b.Fatalf("KP-NODE-001: %v, want the pool in one result", rep.Controls[0].Counts)
				}
			}
		})
	}
}
