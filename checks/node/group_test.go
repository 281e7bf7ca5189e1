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

// Nodes that agree on the verdict and the value are one group, wherever each read the value
// from: three kubelets whose config file says readOnlyPort 0 and one that gets 0 from the
// defaults of a kubelet started with a config file. None is an outlier; Where names both
// places with their nodes.
func TestGroupBySourceNotOutlier(t *testing.T) {
	var rs []checks.Result
	for _, n := range []string{"w-1", "w-2", "w-4"} {
		rs = append(rs, checks.Result{Status: checks.Pass, Resource: checks.Resource{Kind: "Node", Name: n},
			Evidence: checks.Evidence{Where: "kubelet readOnlyPort (node " + n + ", node agent: config file /var/lib/kubelet/config.yaml)", Observed: "0", Expected: "0"}})
	}
	rs = append(rs, checks.Result{Status: checks.Pass, Resource: checks.Resource{Kind: "Node", Name: "w-3"},
		Evidence: checks.Evidence{Where: "kubelet readOnlyPort (node w-3, node agent: default (config file))", Observed: "0", Expected: "0"}})
	rs = append(rs, checks.Result{Status: checks.Fail, Resource: checks.Resource{Kind: "Node", Name: "w-5"},
		Evidence: checks.Evidence{Where: "kubelet readOnlyPort (node w-5, node agent: default (flag-only kubelet))", Observed: "10255", Expected: "0"}})
	got := group(rs)
	if len(got) != 2 {
		t.Fatalf("got %d results, want 2 (the four that pass, the one that fails): %+v", len(got), got)
	}
	g := got[0]
	if g.Resource != (checks.Resource{Kind: "NodeGroup", Name: "w-1 and 3 more"}) || g.Status != checks.Pass || strings.Contains(g.Evidence.Observed, "outlier") {
		t.Errorf("group = %+v", g)
	}
	if want := "kubelet readOnlyPort (3 nodes: w-1, w-2, w-4, node agent: config file /var/lib/kubelet/config.yaml); kubelet readOnlyPort (node w-3, node agent: default (config file))"; g.Evidence.Where != want {
		t.Errorf("group where = %q, want %q", g.Evidence.Where, want)
	}
	if o := got[1]; o.Resource.Name != "w-5" || !strings.Contains(o.Evidence.Observed, "outlier: 1 of 5 nodes; the other 4 of the largest group report PASS 0") {
		t.Errorf("outlier = %+v", o)
	}
}

// The nodes a control is not about (NOT_APPLICABLE) are no part of the pool: three
// control-plane nodes among twenty workers are not outliers of a control on control-plane files.
func TestGroupNotApplicableNoPool(t *testing.T) {
	var rs []checks.Result
	for i := 1; i <= 20; i++ {
		n := fmt.Sprintf("w-%02d", i)
		rs = append(rs, checks.Result{Status: checks.NotApplicable, Resource: checks.Resource{Kind: "Node", Name: n},
			Reason: "not a control-plane node", Evidence: checks.Evidence{Where: "admin.conf (node " + n + ", node agent)"}})
	}
	for _, n := range []string{"cp-1", "cp-2", "cp-3"} {
		rs = append(rs, checks.Result{Status: checks.Pass, Resource: checks.Resource{Kind: "Node", Name: n},
			Evidence: checks.Evidence{Where: "admin.conf (node " + n + ", node agent)", Observed: "0600"}})
	}
	rs = append(rs, checks.Result{Status: checks.Fail, Resource: checks.Resource{Kind: "Node", Name: "cp-4"},
		Evidence: checks.Evidence{Where: "admin.conf (node cp-4, node agent)", Observed: "0644"}})
	got := group(rs)
	if len(got) != 3 {
		t.Fatalf("got %d results, want 3 (workers, passing and failing control-plane nodes): %+v", len(got), got)
	}
	for _, r := range got {
		outlier := strings.Contains(r.Evidence.Observed, "outlier")
		if want := r.Resource.Name == "cp-4"; outlier != want {
			t.Errorf("%s: outlier %v, want %v (%q)", r.Resource, outlier, want, r.Evidence.Observed)
		}
	}
	if o := got[2]; !strings.Contains(o.Evidence.Observed, "outlier: 1 of 4 nodes; the other 3 of the largest group report PASS 0600") {
		t.Errorf("cp-4: %q, want it compared with the control-plane nodes only", o.Evidence.Observed)
	}
}
