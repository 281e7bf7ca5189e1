package main

import (
	"math"
	"runtime"
	"runtime/debug"
	"testing"
)

// boundHeap sets a soft memory limit of the live heap plus 60% once the heap is big, leaves
// a small one alone, and defers to GOMEMLIMIT and GOGC.
func TestBoundHeap(t *testing.T) {
	t.Cleanup(func() { debug.SetMemoryLimit(math.MaxInt64) })
	limit := func() int64 { return debug.SetMemoryLimit(-1) }

	runtime.GC()
	boundHeap()
	if got := limit(); got != math.MaxInt64 {
		t.Errorf("small heap: limit %d, want none", got)
	}

	big := make([][]byte, 300) // 300 MiB live, in pieces as a snapshot is
	for i := range big {
		big[i] = make([]byte, 1<<20)
	}
	runtime.GC()
	for _, env := range []string{"GOMEMLIMIT", "GOGC"} {
		t.Run(env, func(t *testing.T) {
			t.Setenv(env, "1GiB")
			boundHeap()
			if got := limit(); got != math.MaxInt64 {
				t.Errorf("with %s set: limit %d, want none", env, got)
			}
		})
	}
	boundHeap()
	got := limit()
	// 300 MiB live and 180 MiB of headroom, plus the runtime's own few MiB.
	if lo, hi := int64(480<<20), int64(520<<20); got < lo || got > hi {
		t.Errorf("300 MiB live: limit %d MiB, want %d to %d MiB", got>>20, lo>>20, hi>>20)
	}
	runtime.KeepAlive(big)
}
