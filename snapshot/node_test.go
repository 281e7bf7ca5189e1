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
}
