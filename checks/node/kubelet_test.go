package node

import (
	"slices"
	"strings"
	"testing"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
	"github.com/kubeposture/kubeposture/snapshot/snapfile"
	kubeletv1beta1 "k8s.io/kubelet/config/v1beta1"
)

// ids lists this package's controls, with the CIS id each must carry.
var ids = map[string]string{
	"KP-NODE-001": "4.2.1",
	"KP-NODE-002": "4.2.2",
	"KP-NODE-003": "4.2.4",
}

// evaluator is the registered Evaluate of a control.
func evaluator(t *testing.T, id string) func(*snapshot.Snapshot) []checks.Result {
	t.Helper()
	return registered(t, id).Evaluate
}

// kubeletSnap returns a snapshot whose nodes/proxy collection succeeded, with these kubelets.
func kubeletSnap(ks ...snapshot.Kubelet) *snapshot.Snapshot {
	s := snapshot.New()
	s.Cluster.Provider = snapshot.ProviderKubeadm
	s.Resources[snapshot.ResKubeletConfigs] = snapshot.Collection{State: snapshot.Collected, Count: len(ks)}
	s.Resources[snapshot.ResNodes] = snapshot.Collection{State: snapshot.Collected, Count: len(ks)}
	s.Kubelets = ks
	return s
}

func collected(node string, cfg *kubeletv1beta1.KubeletConfiguration) snapshot.Kubelet {
	return snapshot.Kubelet{Node: node, Collection: snapshot.Collection{State: snapshot.Collected, Count: 1}, Config: cfg}
}

// secure is a configuration that passes every control of the package, as a kubelet started
// with a kubeadm config file reports it.
func secure() *kubeletv1beta1.KubeletConfiguration {
	cfg := &kubeletv1beta1.KubeletConfiguration{}
	cfg.Authentication.Anonymous.Enabled = new(false)
	cfg.Authorization.Mode = kubeletv1beta1.KubeletAuthorizationModeWebhook
	return cfg
}

// insecure is a flag-only kubelet's legacy defaults, which fail every control of the package.
func insecure() *kubeletv1beta1.KubeletConfiguration {
	cfg := &kubeletv1beta1.KubeletConfiguration{ReadOnlyPort: 10255}
	cfg.Authentication.Anonymous.Enabled = new(true)
	cfg.Authorization.Mode = kubeletv1beta1.KubeletAuthorizationModeAlwaysAllow
	return cfg
}

// configCase is one row of a single-node table test: mutate edits a secure configuration.
type configCase struct {
	name     string
	mutate   func(cfg *kubeletv1beta1.KubeletConfiguration)
	want     checks.Status
	observed string
}

func runConfigCases(t *testing.T, eval func(*snapshot.Snapshot) []checks.Result, field string, cases []configCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := secure()
			if tc.mutate != nil {
				tc.mutate(cfg)
			}
			rs := eval(kubeletSnap(collected("worker-1", cfg)))
			if len(rs) != 1 {
				t.Fatalf("got %d results, want 1: %+v", len(rs), rs)
			}
			r := rs[0]
			if r.Status != tc.want {
				t.Errorf("status = %s, want %s (evidence %+v, reason %q)", r.Status, tc.want, r.Evidence, r.Reason)
			}
			if want := (checks.Resource{Kind: "Node", Name: "worker-1"}); r.Resource != want {
				t.Errorf("resource = %+v, want %+v", r.Resource, want)
			}
			if want := "kubelet configz " + field + " (node worker-1)"; r.Evidence.Where != want {
				t.Errorf("where = %q, want %q", r.Evidence.Where, want)
			}
			if !strings.Contains(r.Evidence.Observed, tc.observed) {
				t.Errorf("observed = %q, want it to contain %q", r.Evidence.Observed, tc.observed)
			}
			if r.Evidence.Expected == "" {
				t.Error("no expected value in the evidence")
			}
			if (r.Status == checks.NotEvaluated) != (r.Reason != "") {
				t.Errorf("reason %q with status %s: a reason goes with NOT_EVALUATED, and only with it here", r.Reason, r.Status)
			}
		})
	}
}

func TestRegistered(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range checks.Registered() {
		cis, ours := ids[c.ID]
		if !ours {
			continue
		}
		seen[c.ID] = true
		if len(c.References.CIS) == 0 || c.References.CIS[0] != cis {
			t.Errorf("%s: CIS refs %v, want [%s]", c.ID, c.References.CIS, cis)
		}
		if c.Layer != checks.Node {
			t.Errorf("%s: layer %s, want %s", c.ID, c.Layer, checks.Node)
		}
		if len(c.Inputs) != 1 || c.Inputs[0] != snapshot.ResNodes {
			t.Errorf("%s: inputs %v, want [%s]", c.ID, c.Inputs, snapshot.ResNodes)
		}
		if !slices.Equal(c.AnyInputs, []snapshot.Resource{snapshot.ResKubeletConfigs, snapshot.ResNodeReports}) {
			t.Errorf("%s: any inputs %v, want configz and node reports", c.ID, c.AnyInputs)
		}
	}
	for id := range ids {
		if !seen[id] {
			t.Errorf("%s is not registered", id)
		}
	}
}

// TestKubeletsNotCollected: when configz was skipped or the whole resource failed, the one
// result says why.
func TestKubeletsNotCollected(t *testing.T) {
	skipped := kubeletSnap()
	delete(skipped.Resources, snapshot.ResKubeletConfigs)
	forbidden := kubeletSnap()
	forbidden.Resources[snapshot.ResKubeletConfigs] = snapshot.Collection{State: snapshot.Forbidden, Message: "nodes/proxy is forbidden"}
	for id := range ids {
		eval := evaluator(t, id)
		if rs := eval(skipped); len(rs) != 1 || rs[0].Status != checks.NotEvaluated || !strings.Contains(rs[0].Reason, "skip-kubelet") {
			t.Errorf("%s skipped: got %+v", id, rs)
		}
		if rs := eval(forbidden); len(rs) != 1 || rs[0].Status != checks.NotEvaluated || rs[0].Reason != "nodes/proxy is forbidden" {
			t.Errorf("%s forbidden: got %+v", id, rs)
		}
	}
}

func TestNoKubelets(t *testing.T) {
	for id := range ids {
		rs := evaluator(t, id)(kubeletSnap())
		if len(rs) != 1 || rs[0].Status != checks.NotEvaluated || !strings.HasPrefix(rs[0].Reason, "no kubelet configuration collected") {
			t.Errorf("%s: got %+v, want one NOT_EVALUATED \"no kubelet configuration collected\"", id, rs)
		}
	}
}

// Every node gets its own result, and a node whose configz could not be read is
// NOT_EVALUATED with the collector's reason, even when its Config is (wrongly) filled in.
func TestPerNode(t *testing.T) {
	forbidden := snapshot.Kubelet{Node: "worker-3", Config: secure(), Collection: snapshot.Collection{
		State: snapshot.Forbidden, Message: `nodes "worker-3" is forbidden: User "auditor" cannot get resource "nodes/proxy"`}}
	failed := snapshot.Kubelet{Node: "worker-4", Collection: snapshot.Collection{State: snapshot.Failed}}
	noConfig := collected("worker-5", nil)
	for id := range ids {
		t.Run(id, func(t *testing.T) {
			rs := evaluator(t, id)(kubeletSnap(collected("worker-1", secure()), collected("worker-2", insecure()), forbidden, failed, noConfig))
			want := []struct {
				node   string
				status checks.Status
				reason string
			}{
				{"worker-1", checks.Pass, ""},
				{"worker-2", checks.Fail, ""},
				{"worker-3", checks.NotEvaluated, forbidden.Collection.Message},
				{"worker-4", checks.NotEvaluated, "kubelet configz not collected (failed)"},
				{"worker-5", checks.NotEvaluated, "the kubelet's configz held no configuration"},
			}
			if len(rs) != len(want) {
				t.Fatalf("got %d results, want %d: %+v", len(rs), len(want), rs)
			}
			for i, w := range want {
				r := rs[i]
				if r.Resource != (checks.Resource{Kind: "Node", Name: w.node}) || r.Status != w.status || r.Reason != w.reason {
					t.Errorf("result %d = %s %v %q, want %s Node/%s %q", i, r.Status, r.Resource, r.Reason, w.status, w.node, w.reason)
				}
			}
		})
	}
}

// TestThroughEngine runs every control through checks.Run, so that selection and the
// engine's Inputs gating are exercised, not only the pure functions.
func TestThroughEngine(t *testing.T) {
	forbidden := kubeletSnap(snapshot.Kubelet{Node: "worker-1", Collection: snapshot.Collection{State: snapshot.Forbidden, Message: "cannot get nodes/proxy"}})
	forbidden.Resources[snapshot.ResKubeletConfigs] = snapshot.Collection{State: snapshot.Forbidden, Message: "cannot get nodes/proxy"}
	missing := kubeletSnap(collected("worker-1", secure()))
	delete(missing.Resources, snapshot.ResKubeletConfigs)
	// Partial: configz was read on some nodes only. The engine evaluates, and the unread node
	// keeps the control from passing.
	partial := kubeletSnap(collected("worker-1", secure()),
		snapshot.Kubelet{Node: "worker-2", Collection: snapshot.Collection{State: snapshot.Failed, Message: "proxy timeout"}})
	partial.Resources[snapshot.ResKubeletConfigs] = snapshot.Collection{State: snapshot.Partial, Count: 1}

	for id, cis := range ids {
		for _, tc := range []struct {
			name string
			snap *snapshot.Snapshot
			want checks.Status
		}{
			{"pass", kubeletSnap(collected("worker-1", secure())), checks.Pass},
			{"fail", kubeletSnap(collected("worker-1", secure()), collected("worker-2", insecure())), checks.Fail},
			{"forbidden", forbidden, checks.NotEvaluated},
			{"not collected", missing, checks.NotEvaluated},
			{"partial", partial, checks.NotEvaluated},
		} {
			for _, key := range []string{id, cis} {
				t.Run(id+"/"+tc.name+"/"+key, func(t *testing.T) {
					sel := checks.Selection{Controls: []string{key}}
					selected, err := sel.Select(checks.Registered())
					if err != nil {
						t.Fatal(err)
					}
					rep := checks.Run(tc.snap, selected, sel)
					if len(rep.Controls) != 1 || rep.Controls[0].ID != id {
						t.Fatalf("selected %d controls, want only %s", len(rep.Controls), id)
					}
					if got := rep.Controls[0].Status; got != tc.want {
						t.Errorf("status = %s, want %s: %+v", got, tc.want, rep.Controls[0].Results)
					}
				})
			}
		}
	}
}

// configz omits readOnlyPort when it is 0 (int32, omitempty): a snapshot whose kubelet
// config has no readOnlyPort key must pass, while the pointer fields left out of the same
// document are not reported and must not.
func TestReadOnlyPortOmittedFromConfigz(t *testing.T) {
	doc := `{"apiVersion":"kubeposture.io/v1alpha1","kind":"Snapshot","cluster":{"provider":"kubeadm"},
		"resources":{"nodes/proxy":{"state":"collected","count":2}},
		"kubelets":[
			{"node":"worker-1","collection":{"state":"collected","count":1},
			 "config":{"authentication":{"anonymous":{}},"authorization":{"mode":"Webhook"}}},
			{"node":"worker-2","collection":{"state":"collected","count":1},
			 "config":{"readOnlyPort":10255,"authentication":{"anonymous":{"enabled":true}},"authorization":{}}}]}`
	snap, err := snapfile.Read(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		eval func(*snapshot.Snapshot) []checks.Result
		want []checks.Status
	}{
		{evaluator(t, "KP-NODE-003"), []checks.Status{checks.Pass, checks.Fail}},
		{evaluator(t, "KP-NODE-001"), []checks.Status{checks.NotEvaluated, checks.Fail}},
		{evaluator(t, "KP-NODE-002"), []checks.Status{checks.Pass, checks.NotEvaluated}},
	} {
		rs := tc.eval(snap)
		if len(rs) != len(tc.want) {
			t.Fatalf("got %d results, want %d", len(rs), len(tc.want))
		}
		for i, w := range tc.want {
			if rs[i].Status != w {
				t.Errorf("%s: %s = %s, want %s (%+v)", rs[i].Resource, rs[i].Evidence.Where, rs[i].Status, w, rs[i].Evidence)
			}
		}
	}
}
