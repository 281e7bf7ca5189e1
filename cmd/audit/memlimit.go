package main

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
)

// boundHeap caps the headroom the garbage collector leaves above the loaded snapshot, unless
// the user set GOMEMLIMIT or GOGC. By default (GOGC=100) the heap may grow to twice what was
// live at the last collection before the next one starts: once a snapshot of 100,000 pods
// (some 540 MiB) is loaded, the checks' allocations took the process to 1.12 GiB. A soft
// limit of the snapshot plus 60% of it (at least 128 MiB) starts collections sooner only
// when that is less than twice the snapshot, that is for big ones; at 10,000 pods it changes
// nothing. It is a soft limit: the runtime lets the heap pass it rather than collect without
// end, so a scan whose results outgrow it still finishes, at some CPU.
//
// It is called once the snapshot is loaded. A snapshot too small for the limit to matter (what
// the last collection found live is under 100 MiB: the estate of 10,000 pods is 75 MiB) is left
// alone; otherwise one forced collection measures what is live (and frees what reading or
// listing left, which the next collection would have).
func boundHeap() {
	if os.Getenv("GOMEMLIMIT") != "" || os.Getenv("GOGC") != "" {
		return
	}
	last := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	if metrics.Read(last); last[0].Value.Kind() != metrics.KindUint64 || last[0].Value.Uint64() < 100<<20 {
		return
	}
	runtime.GC()
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/memory/classes/total:bytes"},
		{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/heap/free:bytes"},
		{Name: "/memory/classes/heap/released:bytes"}, {Name: "/memory/classes/heap/unused:bytes"}}
	metrics.Read(sample)
	v := make([]int64, len(sample))
	for i, s := range sample {
		if s.Value.Kind() != metrics.KindUint64 {
			return // a runtime without these metrics: leave the defaults
		}
		v[i] = int64(s.Value.Uint64())
	}
	live := v[0]
	// The limit counts all the runtime's memory, not only the heap: add what is neither the
	// heap's objects nor its free or unused room (stacks, the collector's own data).
	other := v[1] - v[2] - v[3] - v[4] - v[5]
	headroom := max(live*3/5, 128<<20)
	debug.SetMemoryLimit(live + headroom + max(other, 0))
}
