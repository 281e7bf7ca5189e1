package snapshot

import (
	"slices"
	"testing"
)

func mirror(name, node string) Component {
	return Component{Name: name, Namespace: "kube-system", Pod: name + "-" + node, Node: node, Mirror: true,
		Flags: []Flag{{Name: "from", Value: "pod"}}}
}

func manifest(name string) Component {
	return Component{Name: name, Namespace: "kube-system", Pod: name, Manifest: "/etc/kubernetes/manifests/" + name + ".yaml",
		Flags: []Flag{{Name: "from", Value: "manifest"}}}
}

// instances renders Components(name) as pod, source and what the instance was read from.
func instances(s *Snapshot, name string) []string {
	var out []string
	for _, c := range s.Components(name) {
		from, _ := c.Flag("from")
		static := "-"
		if c.Static != nil {
			static, _ = c.Static.Flag("from")
		}
		out = append(out, c.Namespace+"/"+c.Pod+" "+from+" "+static+" "+c.Source())
	}
	return out
}

// The control plane's instances: its mirror pods where the collector saw them (with the
// manifest beside, when a node report holds it), the node reports' manifests elsewhere, named
// as the kubelet names their mirror pods.
func TestComponentsFromMirrorsAndManifests(t *testing.T) {
	s := New()
	s.Resources[ResControlPlane] = Collection{State: Collected, Count: 1}
	s.ControlPlane = []Component{mirror("kube-apiserver", "cp-1")}
	s.MergeNodeReports([]NodeReport{
		{Node: "cp-1", StaticPods: []Component{manifest("kube-apiserver"), manifest("etcd")}},
		{Node: "CP-2", StaticPods: []Component{manifest("kube-apiserver")}},
		{Node: "worker-1"},
	})
	want := []string{
		"kube-system/kube-apiserver-cp-1 pod manifest pod kube-system/kube-apiserver-cp-1",
		"kube-system/kube-apiserver-cp-2 manifest - kube-apiserver manifest /etc/kubernetes/manifests/kube-apiserver.yaml on node CP-2",
	}
	if got := instances(s, "kube-apiserver"); !slices.Equal(got, want) {
		t.Errorf("kube-apiserver instances:\n got %q\nwant %q", got, want)
	}
	if got := instances(s, "etcd"); !slices.Equal(got, []string{"kube-system/etcd-cp-1 manifest - etcd manifest /etc/kubernetes/manifests/etcd.yaml on node cp-1"}) {
		t.Errorf("etcd instances: %q", got)
	}
	if c := s.Component("kube-apiserver"); c == nil || c.Pod != "kube-apiserver-cp-1" {
		t.Errorf("Component: %+v, want the first instance", c)
	}
	if s.ControlPlane[0].Static != nil || len(s.ControlPlane) != 1 {
		t.Error("Components changed the snapshot's mirror pods")
	}
}

// Mirror pods recorded as not collected are no evidence: only the manifests are read. A
// manifest without namespace runs in default, and one from an agent that did not record its
// path still says it was read from a manifest.
func TestComponentsForbiddenMirrors(t *testing.T) {
	s := New()
	s.Resources[ResControlPlane] = Collection{State: Forbidden}
	s.ControlPlane = []Component{mirror("kube-apiserver", "cp-1")}
	m := manifest("kube-apiserver")
	m.Namespace, m.Manifest = "", ""
	s.MergeNodeReports([]NodeReport{{Node: "cp-1", StaticPods: []Component{m}}})
	want := []string{"default/kube-apiserver-cp-1 manifest - kube-apiserver manifest (path not recorded by the node agent) on node cp-1"}
	if got := instances(s, "kube-apiserver"); !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}
