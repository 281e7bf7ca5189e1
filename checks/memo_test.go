package checks_test

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

type memoKey struct{}

type otherKey struct{}

// TestMemoPerSnapshot: one build per snapshot and key, shared by every concurrent reader;
// another snapshot or another key builds its own.
func TestMemoPerSnapshot(t *testing.T) {
	a, b := snap(), snap()
	defer a.ShareDerived()()
	defer b.ShareDerived()()
	var builds atomic.Int32
	build := func(name string) func() *string {
		return func() *string { builds.Add(1); return &name }
	}
	var wg sync.WaitGroup
	got := make([]*string, 32)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i] = checks.Memo(a, memoKey{}, build("a"))
		}()
	}
	wg.Wait()
	for i := range got {
		if got[i] != got[0] || *got[i] != "a" {
			t.Fatalf("reader %d got %p (%q), reader 0 got %p: want one shared value", i, got[i], *got[i], got[0])
		}
	}
	if n := builds.Load(); n != 1 {
		t.Fatalf("%d builds for 32 concurrent readers of one snapshot, want 1", n)
	}
	if v := checks.Memo(b, memoKey{}, build("b")); *v != "b" {
		t.Errorf("second snapshot read %q: the memo leaked across snapshots", *v)
	}
	if v := checks.Memo(a, otherKey{}, build("other")); *v != "other" {
		t.Errorf("another key read %q: keys collide", *v)
	}
	if n := builds.Load(); n != 3 {
		t.Errorf("%d builds, want 3", n)
	}
}

// TestRunForgetsMemo: what the controls of a run shared is built again by the next run (a
// snapshot changed between runs is read afresh), and every control of a run shares it.
func TestRunForgetsMemo(t *testing.T) {
	s := snap()
	var builds atomic.Int32
	var seen sync.Map
	eval := func(s *snapshot.Snapshot) []checks.Result {
		v := checks.Memo(s, memoKey{}, func() *int { n := int(builds.Add(1)); return &n })
		seen.Store(v, true)
		return []checks.Result{res(checks.Pass, "Pod", "ns", fmt.Sprint(*v))}
	}
	var cs []checks.Check
	for i := 0; i < 20; i++ {
		cs = append(cs, check(fmt.Sprintf("KP-T-%03d", i), checks.Workload, checks.High, checks.References{}, eval))
	}
	checks.Run(s, cs, checks.Selection{})
	if n := builds.Load(); n != 1 {
		t.Fatalf("%d builds in one run of 20 controls, want 1", n)
	}
	checks.Run(s, cs, checks.Selection{})
	if n := builds.Load(); n != 2 {
		t.Fatalf("%d builds after two runs, want 2 (the first run's memo must be forgotten)", n)
	}
	// Outside a run (a check called by its table test) nothing is kept.
	eval(s)
	eval(s)
	if n := builds.Load(); n != 4 {
		t.Fatalf("%d builds after two calls outside a run, want 4", n)
	}
}

// TestMemoPanic: a build that panics fails every reader (each control is then NOT_EVALUATED
// by the engine), not only the first.
func TestMemoPanic(t *testing.T) {
	s := snap()
	done := s.ShareDerived()
	boom := func() *int { panic("broken index") }
	for i := 0; i < 2; i++ {
		func() {
			defer func() {
				if r := recover(); fmt.Sprint(r) != "broken index" {
					t.Errorf("read %d: recovered %v, want the build's panic", i, r)
				}
			}()
			checks.Memo(s, memoKey{}, boom)
		}()
	}
	done()
	eval := func(s *snapshot.Snapshot) []checks.Result { checks.Memo(s, memoKey{}, boom); return nil }
	rep := checks.Run(s, []checks.Check{
		check("KP-T-001", checks.Workload, checks.High, checks.References{}, eval),
		check("KP-T-002", checks.Workload, checks.High, checks.References{}, eval),
	}, checks.Selection{})
	for _, c := range rep.Controls {
		if c.Status != checks.NotEvaluated {
			t.Errorf("%s: %s, want NOT_EVALUATED", c.ID, c.Status)
		}
	}
}

// TestRunConcurrentOrder: controls run concurrently but are reported in the order given,
// each with its own results.
func TestRunConcurrentOrder(t *testing.T) {
	var cs []checks.Check
	for i := 0; i < 200; i++ {
		id := fmt.Sprintf("KP-T-%03d", 199-i) // not sorted: the order given is kept, not re-sorted
		cs = append(cs, check(id, checks.Workload, checks.High, checks.References{}, results(res(checks.Fail, "Pod", "ns", id))))
	}
	rep := checks.Run(snap(), cs, checks.Selection{})
	if len(rep.Controls) != len(cs) {
		t.Fatalf("%d controls reported, want %d", len(rep.Controls), len(cs))
	}
	for i, c := range rep.Controls {
		if c.ID != cs[i].ID || len(c.Results) != 1 || c.Results[0].Resource.Name != cs[i].ID {
			t.Fatalf("control %d is %s with %+v, want %s with its own result", i, c.ID, c.Results, cs[i].ID)
		}
	}
}
