package snapshot

import "sync"

// derived holds what readers of a snapshot build from it (Derived); it is not part of the
// document.
type derived struct {
	mu      sync.Mutex
	readers int // ShareDerived calls not yet done
	values  map[any]*derivedEntry
}

// derivedEntry is one value built from a snapshot, once.
type derivedEntry struct {
	once sync.Once
	v    any
	// panicked holds what build panicked with, so that every reader sees the same failure
	// instead of a nil value.
	panicked any
}

// ShareDerived starts a read of the snapshot during which Derived keeps what it builds, and
// returns the function that ends it; when the last read ends, the values are dropped. The
// check engine wraps a run in it, so that the controls of a run share an index they derive
// from the snapshot (the NetworkPolicy engine, the RBAC evaluator) and the index does not
// outlive the run: a snapshot changed between two runs (or between two calls of a check in a
// test) is read afresh.
func (s *Snapshot) ShareDerived() (done func()) {
	s.derived.mu.Lock()
	s.derived.readers++
	s.derived.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			s.derived.mu.Lock()
			defer s.derived.mu.Unlock()
			if s.derived.readers--; s.derived.readers == 0 {
				s.derived.values = nil
			}
		})
	}
}

// SharingDerived reports whether a ShareDerived read is under way: whether what Derived
// builds is kept for other readers (a reader may then build more than it needs itself).
func (s *Snapshot) SharingDerived() bool {
	s.derived.mu.Lock()
	defer s.derived.mu.Unlock()
	return s.derived.readers > 0
}

// Derived returns the value stored under key, building it with build the first time, during
// a ShareDerived read; outside one it returns build() and keeps nothing. build runs once
// however many goroutines ask at the same time. key should be a value of an unexported type
// of the caller's package, so that packages cannot collide. A build that panics panics in
// every caller. The value is shared: it must be read-only once built.
func (s *Snapshot) Derived(key any, build func() any) any {
	s.derived.mu.Lock()
	if s.derived.readers == 0 {
		s.derived.mu.Unlock()
		return build()
	}
	d, ok := s.derived.values[key]
	if !ok {
		if s.derived.values == nil {
			s.derived.values = map[any]*derivedEntry{}
		}
		d = &derivedEntry{}
		s.derived.values[key] = d
	}
	s.derived.mu.Unlock()
	d.once.Do(func() {
		defer func() {
			if r := recover(); r != nil {
				d.panicked = r
			}
		}()
		d.v = build()
	})
	if d.panicked != nil {
		panic(d.panicked)
	}
	return d.v
}
