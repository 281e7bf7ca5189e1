package controlplane

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/internal/componentflags"
	"github.com/kubeposture/kubeposture/snapshot"
)

// staticPod is a component as the node agent reads it from the kubeadm manifest on its node.
func staticPod(name string, args []string, env []corev1.EnvVar) snapshot.Component {
	command := []string{name}
	return snapshot.Component{Name: name, Namespace: "kube-system", Pod: name, Manifest: "/etc/kubernetes/manifests/" + name + ".yaml",
		Command: command, Args: args, Env: env, Flags: componentflags.Parse(command, args, componentflags.BoolFlags(name))}
}

// forbiddenSnap is a snapshot whose collector could not list the kube-system pods, with the
// node reports given.
func forbiddenSnap(reports ...snapshot.NodeReport) *snapshot.Snapshot {
	s := snapshot.New()
	s.Cluster.Provider = snapshot.ProviderUnknown // the kubeadm annotations are on the pods
	s.Resources[snapshot.ResControlPlane] = snapshot.Collection{State: snapshot.Forbidden,
		Message: "read from kube-system pods, which were not collected: pods is forbidden"}
	s.MergeNodeReports(reports)
	return s
}

// TestJudgedFromManifests: with the mirror pods forbidden, every control on a component's
// instances judges the static pod manifest in the node report of its node, names it as the
// place it read, and reports on the instance as its mirror pod is named.
func TestJudgedFromManifests(t *testing.T) {
	components := map[string]string{}
	eachInstanceControl(func(id, component string) { components[id] = component })
	for _, c := range checks.Registered() {
		if !strings.HasPrefix(c.ID, "KP-CP-") || !readsComponents(c) {
			continue
		}
		id, component := c.ID, components[c.ID]
		if component == "" {
			component = apiserver // the controls of files of their own are the API server's
		}
		t.Run(id, func(t *testing.T) {
			s := forbiddenSnap(snapshot.NodeReport{Node: "cp-1", ControlPlane: true,
				StaticPods: []snapshot.Component{staticPod(component, nil, nil)}})
			rs := registered(t, id).Evaluate(s)
			if len(rs) != 1 {
				t.Fatalf("got %d results, want 1: %+v", len(rs), rs)
			}
			r := rs[0]
			if want := (checks.Resource{Kind: "Component", Namespace: "kube-system", Name: component + "-cp-1"}); r.Resource != want {
				t.Errorf("resource %+v, want %+v", r.Resource, want)
			}
			if want := component + " manifest /etc/kubernetes/manifests/" + component + ".yaml on node cp-1"; !strings.Contains(r.Evidence.Where, want) {
				t.Errorf("where %q does not name %q", r.Evidence.Where, want)
			}
			if r.Status == checks.NotEvaluated {
				t.Errorf("NOT_EVALUATED with the manifest at hand: %s", r.Reason)
			}
		})
	}
}

// The verdicts from a manifest are those from the same command line in a pod: the flags are
// read alike, etcd's ETCD_* variables included.
func TestManifestVerdicts(t *testing.T) {
	for _, tc := range []struct {
		id, component string
		args          []string
		env           []corev1.EnvVar
		want          checks.Status
	}{
		{"KP-CP-005", apiserver, []string{"--profiling=false"}, nil, checks.Pass},
		{"KP-CP-005", apiserver, nil, nil, checks.Fail},
		{"KP-CP-002", apiserver, []string{"--authorization-mode=Node,RBAC,AlwaysAllow"}, nil, checks.Fail},
		{"KP-CP-034", controllerManager, []string{"--bind-address=127.0.0.1"}, nil, checks.Pass},
		{"KP-CP-038", etcd, nil, []corev1.EnvVar{{Name: "ETCD_CLIENT_CERT_AUTH", Value: "true"}}, checks.Pass},
		{"KP-CP-038", etcd, nil, nil, checks.Fail},
	} {
		rep := snapshot.NodeReport{Node: "cp-1", ControlPlane: true, StaticPods: []snapshot.Component{staticPod(tc.component, tc.args, tc.env)}}
		rs := registered(t, tc.id).Evaluate(forbiddenSnap(rep))
		if len(rs) != 1 || rs[0].Status != tc.want {
			t.Errorf("%s %v %v: got %+v, want %s", tc.id, tc.args, tc.env, rs, tc.want)
		}
	}
}

// With both, the mirror pod (what runs) is judged, and a flag its node's manifest sets
// otherwise is noted in the evidence; flags they agree on are not.
func TestMirrorWinsOverManifest(t *testing.T) {
	s := apiserverSnap([]string{"--profiling=true", "--anonymous-auth=false"})
	s.MergeNodeReports([]snapshot.NodeReport{{Node: "cp-1", ControlPlane: true,
		StaticPods: []snapshot.Component{staticPod(apiserver, []string{"--profiling=false", "--anonymous-auth=false"}, nil)}}})
	rs := profiling(s)
	if len(rs) != 1 || rs[0].Status != checks.Fail || rs[0].Resource.Name != "kube-apiserver-cp-1" {
		t.Fatalf("got %+v, want one FAIL on the mirror pod", rs)
	}
	want := `kube-apiserver flag --profiling (pod kube-system/kube-apiserver-cp-1; differs from the manifest /etc/kubernetes/manifests/kube-apiserver.yaml on node cp-1, which has --profiling "false")`
	if rs[0].Evidence.Where != want {
		t.Errorf("where %q, want %q", rs[0].Evidence.Where, want)
	}
	if rs := anonymousAuth(s); len(rs) != 1 || rs[0].Evidence.Where != "kube-apiserver flag --anonymous-auth (pod kube-system/kube-apiserver-cp-1)" {
		t.Errorf("agreeing flag: %+v, want no note", rs)
	}
}

// No instance anywhere: NOT_EVALUATED, saying what was not seen.
func TestNoInstanceReasons(t *testing.T) {
	for _, tc := range []struct {
		name string
		snap *snapshot.Snapshot
		want []string
	}{
		{"pods forbidden, no report", forbiddenSnap(), []string{"controlplane: forbidden: read from kube-system pods", "'audit node'"}},
		{"pods forbidden, a worker's report", forbiddenSnap(snapshot.NodeReport{Node: "worker-1"}),
			[]string{"controlplane: forbidden", "no node report holds a kube-apiserver static pod manifest"}},
		{"pods collected, no static pod", apiserverSnap(), []string{"no kube-apiserver static pod found in kube-system"}},
	} {
		rs := profiling(tc.snap)
		if len(rs) != 1 || rs[0].Status != checks.NotEvaluated || rs[0].Resource.Kind != "Cluster" {
			t.Errorf("%s: got %+v, want one NOT_EVALUATED", tc.name, rs)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(rs[0].Reason, w) {
				t.Errorf("%s: reason %q lacks %q", tc.name, rs[0].Reason, w)
			}
		}
	}
}
