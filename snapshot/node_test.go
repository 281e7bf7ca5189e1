package snapshot

import "testing"

func TestMergeNodeReports(t *testing.T) {
	s := New()
	s.MergeNodeReports([]NodeReport{{Node: "a", Root: "/1"}, {Node: "b"}})
	s.MergeNodeReports([]NodeReport{{Node: "a", Root: "/2"}, {Node: "c"}})
	if len(s.NodeReports) != 3 || s.NodeReport("a").Root != "/2" || s.NodeReport("c") == nil || s.NodeReport("x") != nil {
		t.Fatalf("reports = %+v: want a (replaced by the later report), b, c", s.NodeReports)
	}
	if got := s.Resources[ResNodeReports]; got != (Collection{State: Collected, Count: 3}) {
		t.Errorf("resources[%s] = %+v", ResNodeReports, got)
	}
	// Merging nothing into a snapshot without reports records nothing: none was merged.
	empty := New()
	if empty.MergeNodeReports(nil); len(empty.Resources) != 0 {
		t.Errorf("no report merged: resources = %+v, want none", empty.Resources)
	}
}
