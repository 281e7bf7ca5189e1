package nodeagent_test

import (
	"encoding/json"
	"os"
	"path"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/kubeposture/kubeposture/nodeagent"
	"github.com/kubeposture/kubeposture/snapshot"
)

// daemonSetMounts reads examples/node-agent/daemonset.yaml and returns the host paths its
// agent container mounts under --root, after checking that each is read-only, a hostPath
// mounted at its own path under the root, and not the host's /; and that job.yaml (the agent
// on one node) mounts the same.
func daemonSetMounts(t *testing.T) (root string, hostPaths []string) {
	t.Helper()
	var ds appsv1.DaemonSet
	var job batchv1.Job
	for file, obj := range map[string]any{"daemonset.yaml": &ds, "job.yaml": &job} {
		b, err := os.ReadFile("../examples/node-agent/" + file)
		if err != nil {
			t.Fatal(err)
		}
		if err := yaml.UnmarshalStrict(b, obj); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
	}
	spec := ds.Spec.Template.Spec
	if js := job.Spec.Template.Spec; !reflect.DeepEqual(js.Volumes, spec.Volumes) || !reflect.DeepEqual(js.Containers[0].VolumeMounts, spec.Containers[0].VolumeMounts) {
		t.Errorf("job.yaml mounts %+v, the DaemonSet %+v: want the same", js.Volumes, spec.Volumes)
	}
	c := spec.Containers[0]
	if i := slices.Index(c.Command, "--root"); i < 0 || i+1 == len(c.Command) {
		t.Fatalf("command %v: no --root", c.Command)
	} else {
		root = c.Command[i+1]
	}
	for _, m := range c.VolumeMounts {
		i := slices.IndexFunc(spec.Volumes, func(v corev1.Volume) bool { return v.Name == m.Name })
		if i < 0 || spec.Volumes[i].HostPath == nil {
			t.Errorf("mount %s: not a hostPath volume", m.Name)
			continue
		}
		hp := spec.Volumes[i].HostPath.Path
		if !m.ReadOnly {
			t.Errorf("mount %s (%s): not read-only", m.Name, hp)
		}
		if hp == "/" || path.Clean(hp) != hp || m.MountPath != root+hp {
			t.Errorf("mount %s: host %s at %s, want a host path other than / at %s", m.Name, hp, m.MountPath, root+hp)
		}
		hostPaths = append(hostPaths, hp)
	}
	if len(spec.Volumes) != len(c.VolumeMounts) {
		t.Errorf("%d volumes, %d mounts: every volume is the agent's mount", len(spec.Volumes), len(c.VolumeMounts))
	}
	return root, hostPaths
}

// collectAt collects a fixture tree, with only the entries under mounts when mounts is not nil
// (the tree the DaemonSet's pod sees), and returns the report as JSON without its root.
func collectAt(t *testing.T, node string, entries []entry, mounts []string) (string, *snapshot.NodeReport) {
	t.Helper()
	if mounts != nil {
		var seen []entry
		for _, e := range entries {
			if slices.ContainsFunc(mounts, func(m string) bool { return e.path == m || strings.HasPrefix(e.path, m+"/") }) {
				seen = append(seen, e)
			}
		}
		entries = seen
	}
	rep, err := nodeagent.Collect(nodeagent.Options{Root: buildTree(t, entries...), Node: node, Mounts: mounts, ToolVersion: "test",
		Now: func() time.Time { return time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	rep.Root = ""
	b, err := json.MarshalIndent(rep, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b), rep
}

// Through the DaemonSet's mounts alone the agent finds on each fixture node (kubeadm's
// control plane and worker, a hardened worker, a kubelet and kube-proxy started by flags) what
// it finds with the node's whole filesystem: the same report, file for file.
func TestDaemonSetMountsFindEverything(t *testing.T) {
	_, mounts := daemonSetMounts(t)
	for name, entries := range map[string][]entry{
		"kubeadm control plane": kubeadmControlPlane("cp-1"),
		"kubeadm worker":        kubeadmWorker("worker-1"),
		"hardened":              hardened("worker-2"),
		"flags only":            flagOnly("node-x"),
	} {
		t.Run(name, func(t *testing.T) {
			full, _ := collectAt(t, name, entries, nil)
			mounted, _ := collectAt(t, name, entries, mounts)
			if full != mounted {
				t.Errorf("through the DaemonSet's mounts %v the report differs:\nwhole filesystem:\n%s\nmounts:\n%s", mounts, full, mounted)
			}
		})
	}
}

// A file the agent reads outside the mounted paths is reported as not examined, naming what
// to mount, not as absent (which the file checks would pass).
func TestOutsideMountsNotAbsent(t *testing.T) {
	_, mounts := daemonSetMounts(t)
	without := slices.DeleteFunc(slices.Clone(mounts), func(m string) bool { return m == "/var/lib/kube-proxy" })
	_, rep := collectAt(t, "node-x", flagOnly("node-x"), without)
	i := slices.IndexFunc(rep.Files, func(f snapshot.NodeFile) bool { return f.Path == "/var/lib/kube-proxy/kubeconfig" })
	if i < 0 {
		t.Fatalf("no record of kube-proxy's kubeconfig: %+v", rep.Files)
	}
	if f := rep.Files[i]; f.Exists || !strings.Contains(f.Error, "not examined") || !strings.Contains(f.Error, "mount") {
		t.Errorf("kube-proxy's kubeconfig outside the mounts: %+v, want not examined, saying to mount it", f)
	}
}
