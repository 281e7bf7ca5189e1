package main

import (
	"context"
	"io"
	"net/http/httptest"
	"runtime"
	"runtime/metrics"
	"testing"
	"time"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/internal/synth"
	"github.com/kubeposture/kubeposture/snapshot"
)

// BenchmarkServeParallelReports fetches /report.html 32 times at once from a server holding
// the report of a 20,000-pod synthetic snapshot, as the measurement did, each scan
// anew (so each op renders once): as Go's client does (gzip) and as it is (identity, as curl
// without --compressed). Besides the allocations per op it reports what was live before
// (the report and what it points into) and the peak of the heap above it (live objects and
// garbage not yet collected, sampled every 2 ms), which the garbage collector's target lets
// grow up to as much again as what is live.
func BenchmarkServeParallelReports(b *testing.B) {
	snap := synth.Snapshot(20000)
	rep := checks.Run(snap, checks.Registered(), checks.Selection{})
	resources := snap.Resources
	snap = nil
	for _, bc := range []struct {
		name     string
		identity bool
	}{{"gzip", false}, {"identity", true}} {
		b.Run(bc.name, func(b *testing.B) {
			s := newServer(func(context.Context) (*checks.Report, map[snapshot.Resource]snapshot.Collection, error) {
				return rep, resources, nil
			}, noAuth, io.Discard)
			s.limits.maxInFlight = 32
			h := httptest.NewServer(s.handler())
			defer h.Close()
			runtime.GC()
			heap := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
			metrics.Read(heap)
			base := heap[0].Value.Uint64()
			peak := base
			stop, stopped := make(chan struct{}), make(chan struct{})
			go func() {
				defer close(stopped)
				sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
				for {
					select {
					case <-stop:
						return
					case <-time.After(2 * time.Millisecond):
					}
					metrics.Read(sample)
					peak = max(peak, sample[0].Value.Uint64())
				}
			}()
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				s.scanOnce(context.Background())
				bodies := fetchAll(b, h.Client(), h.URL+"/report.html", 32, bc.identity)
				b.SetBytes(bodies[0].size)
			}
			b.StopTimer()
			close(stop)
			<-stopped
			b.ReportMetric(float64(base)/(1<<20), "live-MiB")
			b.ReportMetric(float64(peak-base)/(1<<20), "peak-heap-MiB")
		})
	}
}
