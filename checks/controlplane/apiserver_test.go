package controlplane

import (
	"fmt"
	"strings"
	"testing"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/internal/componentflags"
	"github.com/kubeposture/kubeposture/snapshot"
)

// ids lists this package's controls, with the CIS id each must carry.
var ids = map[string]string{
	"KP-CP-001": "1.2.1",
	"KP-CP-002": "1.2.6",
	"KP-CP-003": "1.2.7",
	"KP-CP-004": "1.2.8",
	"KP-CP-005": "1.2.15",
}

// evaluators maps each control to its pure function, for tests that judge every control.
var evaluators = map[string]func(*snapshot.Snapshot) []checks.Result{
	"KP-CP-001": anonymousAuth,
	"KP-CP-002": authorizationModeNotAlwaysAllow,
	"KP-CP-003": authorizationModeNode,
	"KP-CP-004": authorizationModeRBAC,
	"KP-CP-005": profiling,
}

// apiserverSnap returns a kubeadm snapshot with one kube-apiserver static pod per args list,
// on nodes cp-1, cp-2, ...; flags go through componentflags.Parse as the collector's do.
func apiserverSnap(instances ...[]string) *snapshot.Snapshot {
	s := snapshot.New()
	s.Cluster.Provider = snapshot.ProviderKubeadm
	s.Resources[snapshot.ResControlPlane] = snapshot.Collection{State: snapshot.Collected, Count: len(instances)}
	for i, args := range instances {
		node := fmt.Sprintf("cp-%d", i+1)
		command := []string{"kube-apiserver"}
		s.ControlPlane = append(s.ControlPlane, snapshot.Component{
			Name: apiserver, Namespace: "kube-system", Pod: "kube-apiserver-" + node, Node: node, Mirror: true,
			Command: command, Args: args,
			Flags: componentflags.Parse(command, args, componentflags.BoolFlags(apiserver)),
		})
	}
	return s
}

// flagCase is one row of a single-instance table test.
type flagCase struct {
	name string
	args []string
	want checks.Status
	// observed, when set, must appear in Evidence.Observed.
	observed string
}

// runFlagCases evaluates each case on a single kube-apiserver and checks the one result.
func runFlagCases(t *testing.T, eval func(*snapshot.Snapshot) []checks.Result, cases []flagCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rs := eval(apiserverSnap(tc.args))
			if len(rs) != 1 {
				t.Fatalf("got %d results, want 1: %+v", len(rs), rs)
			}
			r := rs[0]
			if r.Status != tc.want {
				t.Errorf("status = %s, want %s (evidence %+v, reason %q)", r.Status, tc.want, r.Evidence, r.Reason)
			}
			if want := (checks.Resource{Kind: "Component", Namespace: "kube-system", Name: "kube-apiserver-cp-1"}); r.Resource != want {
				t.Errorf("resource = %+v, want %+v", r.Resource, want)
			}
			if !strings.Contains(r.Evidence.Observed, tc.observed) {
				t.Errorf("observed = %q, want it to contain %q", r.Evidence.Observed, tc.observed)
			}
			if r.Evidence.Where == "" || r.Evidence.Expected == "" {
				t.Errorf("evidence lacks where or expected: %+v", r.Evidence)
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
		if c.Layer != checks.ControlPlane {
			t.Errorf("%s: layer %s, want %s", c.ID, c.Layer, checks.ControlPlane)
		}
		if !readsComponents(c) {
			t.Errorf("%s: inputs %v, any of %v, want none and any of %v", c.ID, c.Inputs, c.AnyInputs, sources)
		}
	}
	for id := range ids {
		if !seen[id] {
			t.Errorf("%s is not registered", id)
		}
	}
}

func TestNoAPIServer(t *testing.T) {
	for _, tc := range []struct {
		provider snapshot.Provider
		want     checks.Status
		reason   string
	}{
		{snapshot.ProviderEKS, checks.NotApplicable, "control plane managed by eks: the provider sets these flags; check the provider's documentation"},
		{snapshot.ProviderGKE, checks.NotApplicable, "control plane managed by gke"},
		{snapshot.ProviderKubeadm, checks.NotEvaluated, "no kube-apiserver static pod found in kube-system"},
		{snapshot.ProviderUnknown, checks.NotEvaluated, "not visible to the collector"},
		{"", checks.NotEvaluated, "not visible to the collector"},
	} {
		for id, eval := range evaluators {
			t.Run(string(tc.provider)+"/"+id, func(t *testing.T) {
				s := apiserverSnap()
				s.Cluster.Provider = tc.provider
				// Another component must not stand in for the apiserver.
				s.ControlPlane = append(s.ControlPlane, snapshot.Component{Name: "etcd", Namespace: "kube-system", Pod: "etcd-cp-1"})
				rs := eval(s)
				if len(rs) != 1 || rs[0].Status != tc.want || !strings.Contains(rs[0].Reason, tc.reason) {
					t.Fatalf("got %+v, want one %s result with reason containing %q", rs, tc.want, tc.reason)
				}
				if rs[0].Resource != (checks.Resource{Kind: "Cluster"}) {
					t.Errorf("resource = %+v, want Cluster", rs[0].Resource)
				}
			})
		}
	}
}

// Each instance is judged on its own: a compliant node must not hide a non-compliant one.
func TestTwoInstances(t *testing.T) {
	good := []string{"--anonymous-auth=false", "--authorization-mode=Node,RBAC", "--profiling=false"}
	bad := []string{"--authorization-mode=AlwaysAllow"}
	for id, eval := range evaluators {
		t.Run(id, func(t *testing.T) {
			rs := eval(apiserverSnap(good, bad))
			if len(rs) != 2 {
				t.Fatalf("got %d results, want 2: %+v", len(rs), rs)
			}
			if rs[0].Status != checks.Pass || rs[0].Resource.Name != "kube-apiserver-cp-1" {
				t.Errorf("cp-1: got %s on %v, want PASS on kube-apiserver-cp-1", rs[0].Status, rs[0].Resource)
			}
			if rs[1].Status != checks.Fail || rs[1].Resource.Name != "kube-apiserver-cp-2" {
				t.Errorf("cp-2: got %s on %v, want FAIL on kube-apiserver-cp-2", rs[1].Status, rs[1].Resource)
			}
			if !strings.Contains(rs[1].Evidence.Where, "(pod kube-system/kube-apiserver-cp-2)") {
				t.Errorf("cp-2 where = %q, want it to name the pod", rs[1].Evidence.Where)
			}
		})
	}
}

// TestThroughEngine runs every control through checks.Run, so that selection by id and the
// inputs are exercised, not only the pure functions: mirror pods recorded as forbidden are no
// evidence, and with neither them nor node reports the control is NOT_EVALUATED.
func TestThroughEngine(t *testing.T) {
	good := apiserverSnap([]string{"--anonymous-auth=false", "--authorization-mode=Node,RBAC", "--profiling=false"})
	bad := apiserverSnap([]string{"--anonymous-auth=true", "--authorization-mode=AlwaysAllow", "--profiling"})
	forbidden := apiserverSnap([]string{"--anonymous-auth=false", "--authorization-mode=Node,RBAC", "--profiling=false"})
	forbidden.Resources[snapshot.ResControlPlane] = snapshot.Collection{State: snapshot.Forbidden, Message: "pods is forbidden"}
	missing := snapshot.New()

	for id, cis := range ids {
		for _, tc := range []struct {
			name string
			snap *snapshot.Snapshot
			want checks.Status
		}{
			{"pass", good, checks.Pass},
			{"fail", bad, checks.Fail},
			{"forbidden", forbidden, checks.NotEvaluated},
			{"not collected", missing, checks.NotEvaluated},
		} {
			// Select by our id and by the CIS id: both must find the control.
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
					cr := rep.Controls[0]
					if cr.Status != tc.want {
						t.Errorf("status = %s, want %s: %+v", cr.Status, tc.want, cr.Results)
					}
					for _, r := range cr.Results {
						if r.ControlID != id {
							t.Errorf("result control id = %q, want %q", r.ControlID, id)
						}
					}
				})
			}
		}
	}
}
