package node

import (
	"fmt"
	"strings"
	"testing"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func TestGroupPool(t *testing.T) {
	var ks []snapshot.Kubelet
	for i := 1; i <= 500; i++ {
		ks = append(ks, collected(fmt.Sprintf("pool-%03d", i), secure()))
	}
	ks[41].Config = insecure() // pool-042
	rs := evaluator(t, "KP-NODE-001")(kubeletSnap(ks...))
	if len(rs) != 2 {
		t.Fatalf("500 nodes gave %d results, want 2 (the pool, the outlier)", len(rs))
	}
	g, o := rs[0], rs[1]
	if g.Resource != (checks.Resource{Kind: "NodeGroup", Name: "pool-001 and 498 more"}) || g.Status != checks.Pass ||
		!strings.Contains(g.Evidence.Where, "499 nodes: pool-001, pool-002,") || strings.Contains(g.Evidence.Where, "pool-042") {
		t.Errorf("group = %+v", g)
	}
	if o.Resource != (checks.Resource{Kind: "Node", Name: "pool-042"}) || o.Status != checks.Fail ||
		!strings.Contains(o.Evidence.Observed, "outlier: 1 of 500 nodes; the other 499 of the largest group report PASS false") {
		t.Errorf("outlier = %+v", o)
	}
}

// Two equal halves: no group is an outlier.
func TestGroupNoOutlier(t *testing.T) {
	rs := evaluator(t, "KP-NODE-001")(kubeletSnap(collected("a", secure()), collected("b", secure()), collected("c", insecure()), collected("d", insecure())))
	if len(rs) != 2 {
		t.Fatalf("got %d results", len(rs))
	}
	for _, r := range rs {
		if strings.Contains(r.Evidence.Observed, "outlier") || r.Resource.Kind != "NodeGroup" {
			t.Errorf("%+v", r)
		}
	}
}
