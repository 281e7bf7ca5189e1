package collect

import (
	"runtime"
	"runtime/debug"
	"testing"
)

// While listing, the collector's target is raised until what is live passes listingGCLive,
// then restored; GOGC set by the user is left alone.
func TestListingGC(t *testing.T) {
	percent := func() int { p := debug.SetGCPercent(100); debug.SetGCPercent(p); return p }
	before := percent()

	g := lessGCWhileListing()
	if got := percent(); got != listingGCPercent {
		t.Fatalf("listing: GC percent %d, want %d", got, listingGCPercent)
	}
	runtime.GC()
	g.check() // little is live: stays raised
	if got := percent(); got != listingGCPercent {
		t.Errorf("small heap: GC percent %d, want %d", got, listingGCPercent)
	}
	big := make([][]byte, listingGCLive>>20+32)
	for i := range big {
		big[i] = make([]byte, 1<<20)
	}
	runtime.GC()
	g.check()
	if got := percent(); got != before {
		t.Errorf("%d MiB live: GC percent %d, want %d restored", len(big), got, before)
	}
	runtime.KeepAlive(big)
	g.restore() // a second restore changes nothing
	if got := percent(); got != before {
		t.Errorf("after restore: GC percent %d, want %d", got, before)
	}

	t.Setenv("GOGC", "50")
	g = lessGCWhileListing()
	if got := percent(); got != before {
		t.Errorf("GOGC set: GC percent %d, want %d", got, before)
	}
	g.check()
	g.restore()
}
