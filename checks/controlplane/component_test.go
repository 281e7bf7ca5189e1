package controlplane

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/internal/componentflags"
	"github.com/kubeposture/kubeposture/snapshot"
)

// componentSnap returns a kubeadm snapshot with one instance of the named component on cp-1,
// its flags parsed as the collector parses them, and env as its container's environment.
func componentSnap(name string, args []string, env []corev1.EnvVar) *snapshot.Snapshot {
	s := snapshot.New()
	s.Cluster.Provider = snapshot.ProviderKubeadm
	s.Resources[snapshot.ResControlPlane] = snapshot.Collection{State: snapshot.Collected, Count: 1}
	command := []string{name}
	s.ControlPlane = append(s.ControlPlane, snapshot.Component{
		Name: name, Namespace: "kube-system", Pod: name + "-cp-1", Node: "cp-1", Mirror: true,
		Command: command, Args: args, Env: env,
		Flags: componentflags.Parse(command, args, componentflags.BoolFlags(name)),
	})
	return s
}

// cpCase is one row of a table test of a control on one component instance.
type cpCase struct {
	name string
	args []string
	env  []corev1.EnvVar
	want checks.Status
	// observed, when set, must appear in Evidence.Observed.
	observed string
}

// runComponentCases evaluates each case on one instance of component and checks the result.
func runComponentCases(t *testing.T, component string, eval func(*snapshot.Snapshot) []checks.Result, cases []cpCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rs := eval(componentSnap(component, tc.args, tc.env))
			if len(rs) != 1 {
				t.Fatalf("got %d results, want 1: %+v", len(rs), rs)
			}
			r := rs[0]
			if r.Status != tc.want {
				t.Errorf("status = %s, want %s (evidence %+v, reason %q)", r.Status, tc.want, r.Evidence, r.Reason)
			}
			if want := (checks.Resource{Kind: "Component", Namespace: "kube-system", Name: component + "-cp-1"}); r.Resource != want {
				t.Errorf("resource = %+v, want %+v", r.Resource, want)
			}
			if !strings.Contains(r.Evidence.Observed, tc.observed) {
				t.Errorf("observed = %q, want it to contain %q", r.Evidence.Observed, tc.observed)
			}
			if r.Evidence.Where == "" || r.Evidence.Expected == "" {
				t.Errorf("evidence lacks where or expected: %+v", r.Evidence)
			}
			if (r.Status == checks.NotEvaluated || r.Status == checks.NotApplicable || r.Status == checks.Manual) != (r.Reason != "") {
				t.Errorf("reason %q with status %s", r.Reason, r.Status)
			}
		})
	}
}

// perInstance lists the controls outside the flag tables that judge each instance of one
// component with eachComponent, with the CIS id each carries.
var perInstance = []struct{ id, component, cis string }{
	{"KP-CP-027", apiserver, "1.2.29"},
	{"KP-CP-043", etcd, "2.7"},
}

// eachInstanceControl calls f with every control judged per instance of a component: the
// rows of the flag tables and perInstance.
func eachInstanceControl(f func(id, component string)) {
	for _, t := range flagTables {
		for _, r := range t.Rules {
			f(r.ID, t.Component)
		}
	}
	for _, c := range perInstance {
		f(c.id, c.component)
	}
}

// readsComponents tells whether c reads the instances of a component as Components finds them:
// from the mirror pods or from the node reports' manifests, either sufficing (AnyInputs), so
// that the engine gates it on neither.
func readsComponents(c checks.Check) bool {
	return len(c.Inputs) == 0 && slices.Equal(c.AnyInputs, []snapshot.Resource{snapshot.ResControlPlane, snapshot.ResNodeReports})
}

// registered returns the registered check with the given id.
func registered(t *testing.T, id string) checks.Check {
	t.Helper()
	for _, c := range checks.Registered() {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("%s is not registered", id)
	return checks.Check{}
}

// TestComponentMissing: every control of a component that is not in the snapshot is
// NOT_APPLICABLE on a managed control plane and NOT_EVALUATED elsewhere, never PASS.
func TestComponentMissing(t *testing.T) {
	eachInstanceControl(func(id, component string) {
		eval := registered(t, id).Evaluate
		for _, tc := range []struct {
			provider snapshot.Provider
			want     checks.Status
		}{{snapshot.ProviderAKS, checks.NotApplicable}, {snapshot.ProviderEKS, checks.NotApplicable}, {snapshot.ProviderKubeadm, checks.NotEvaluated}} {
			t.Run(fmt.Sprintf("%s/%s", id, tc.provider), func(t *testing.T) {
				s := snapshot.New()
				s.Cluster.Provider = tc.provider
				s.Resources[snapshot.ResControlPlane] = snapshot.Collection{State: snapshot.Collected}
				rs := eval(s)
				if len(rs) != 1 || rs[0].Status != tc.want || rs[0].Reason == "" || !strings.Contains(rs[0].Reason, component) {
					t.Fatalf("got %+v, want one %s naming %s", rs, tc.want, component)
				}
			})
		}
	})
}

// TestPerInstanceRegistered: the controls outside the tables are registered with their CIS
// id, on the control-plane layer, reading the control-plane pods (TestFlagRulesRegistered
// does the same for the tables' rows).
func TestPerInstanceRegistered(t *testing.T) {
	for _, ctl := range perInstance {
		c := registered(t, ctl.id)
		if len(c.References.CIS) != 1 || c.References.CIS[0] != ctl.cis || c.Layer != checks.ControlPlane {
			t.Errorf("%s: CIS %v layer %s, want [%s] %s", ctl.id, c.References.CIS, c.Layer, ctl.cis, checks.ControlPlane)
		}
		if !readsComponents(c) {
			t.Errorf("%s: inputs %v, any of %v", ctl.id, c.Inputs, c.AnyInputs)
		}
	}
}

// TestNSAAreas: nsaAreas is what every control of this package carries as its NSA
// references, table rows and files alike; a key no control reads would be caught here.
func TestNSAAreas(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range checks.Registered() {
		if !strings.HasPrefix(c.ID, "KP-CP-") {
			continue
		}
		seen[c.ID] = true
		if want := nsaAreas[c.ID]; !slices.Equal(c.References.NSA, want) {
			t.Errorf("%s: NSA %v, want %v (nsaAreas)", c.ID, c.References.NSA, want)
		}
	}
	for id := range nsaAreas {
		if !seen[id] {
			t.Errorf("nsaAreas names %s, which is not registered", id)
		}
	}
}
