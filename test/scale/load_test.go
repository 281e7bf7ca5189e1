package main

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/kubeposture/kubeposture/collect"
	"github.com/kubeposture/kubeposture/internal/testcluster"
	"github.com/kubeposture/kubeposture/snapshot"
	"github.com/kubeposture/kubeposture/snapshot/snapfile"
)

// A smoke test of the benchmark's parts at 100 pods against the real test cluster: the
// loader creates what it says, the floor lists what the collector collects. The benchmark
// itself (go run ./test/scale) is not run by go test.
var cluster *testcluster.Cluster

func TestMain(m *testing.M) {
	os.Exit(testcluster.RunTests(m, &cluster, testcluster.Options{APIServerFlags: apiServerFlags}, nil))
}

func TestLoadAndFloor(t *testing.T) {
	ctx := context.Background()
	const pods = 100
	ls, err := load(ctx, loaderClient(cluster.Admin), pods, 4, nil, io.Discard)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if ls.Pods != pods || ls.Namespaces != 2 {
		t.Errorf("loaded %d pods in %d namespaces, want %d in 2", ls.Pods, ls.Namespaces, pods)
	}

	// What the server holds is what the estate's plan says, per namespace of 50 pods.
	cs, err := kubernetes.NewForConfig(cluster.Admin)
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]func(ns string) (int, error){
		"pods": func(ns string) (int, error) {
			l, err := cs.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{})
			return lenOr(l, err, func() int { return len(l.Items) })
		},
		"deployments": func(ns string) (int, error) {
			l, err := cs.AppsV1().Deployments(ns).List(ctx, metav1.ListOptions{})
			return lenOr(l, err, func() int { return len(l.Items) })
		},
		"replicasets": func(ns string) (int, error) {
			l, err := cs.AppsV1().ReplicaSets(ns).List(ctx, metav1.ListOptions{})
			return lenOr(l, err, func() int { return len(l.Items) })
		},
		"statefulsets": func(ns string) (int, error) {
			l, err := cs.AppsV1().StatefulSets(ns).List(ctx, metav1.ListOptions{})
			return lenOr(l, err, func() int { return len(l.Items) })
		},
		"daemonsets": func(ns string) (int, error) {
			l, err := cs.AppsV1().DaemonSets(ns).List(ctx, metav1.ListOptions{})
			return lenOr(l, err, func() int { return len(l.Items) })
		},
		"jobs": func(ns string) (int, error) {
			l, err := cs.BatchV1().Jobs(ns).List(ctx, metav1.ListOptions{})
			return lenOr(l, err, func() int { return len(l.Items) })
		},
		"secrets": func(ns string) (int, error) {
			l, err := cs.CoreV1().Secrets(ns).List(ctx, metav1.ListOptions{})
			return lenOr(l, err, func() int { return len(l.Items) })
		},
	}
	want := map[string]int{"pods": podsPerNamespace, "deployments": deployments, "replicasets": deployments,
		"statefulsets": statefulSets, "daemonsets": 1, "jobs": jobsPerCron, "secrets": deployments + 1}
	for _, ns := range []string{"team-0000", "team-0001"} {
		for kind, count := range counts {
			n, err := count(ns)
			if err != nil {
				t.Fatalf("list %s in %s: %v", kind, ns, err)
			}
			if n != want[kind] {
				t.Errorf("%s: %d %s, want %d", ns, n, kind, want[kind])
			}
		}
	}

	// Every pod of a workload points at its controller, as the controllers would set it:
	// the scan folds them into workloads only then.
	l, err := cs.CoreV1().Pods("team-0001").List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range l.Items {
		if ref := metav1.GetControllerOf(&p); ref == nil || ref.UID == "" {
			t.Errorf("pod %s has no controller reference", p.Name)
		}
	}

	// The floor reads exactly what the collector collects.
	n, err := floor(ctx, cluster.Admin, scanDefaults, collect.All)
	if err != nil {
		t.Fatalf("floor: %v", err)
	}
	snap, err := collect.Collect(ctx, cluster.Admin, collect.Options{SkipKubelet: true})
	if err != nil {
		t.Fatal(err)
	}
	if collected := listedObjects(snap); n != collected || n < ls.Objects {
		t.Errorf("floor listed %d objects, the collector %d, the loader created %d", n, collected, ls.Objects)
	}

	// The floor of one control lists what a scan of it lists: the nodes and kube-system's pods.
	plan, err := planOf([]string{"KP-CP-001"})
	if err != nil {
		t.Fatal(err)
	}
	one, err := floor(ctx, cluster.Admin, scanDefaults, plan)
	if err != nil {
		t.Fatal(err)
	}
	system, err := cs.CoreV1().Pods("kube-system").List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if want := int64(snap.Resources[snapshot.ResNodes].Count + len(system.Items)); one != want {
		t.Errorf("the floor of KP-CP-001 listed %d objects, want the %d nodes and kube-system pods", one, want)
	}
}

func lenOr[L any](l L, err error, n func() int) (int, error) {
	if err != nil {
		return 0, err
	}
	return n(), nil
}

// The synthetic mode writes a snapshot, measures a scan of it and writes what it measured.
func TestSynthetic(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "scale.json")
	if err := runSynthetic(120, 1, out, dir, ""); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var res Results
	if err := json.Unmarshal(data, &res); err != nil {
		t.Fatal(err)
	}
	if res.Pods != 120 || len(res.Phases) != 1 || len(res.Phases[0].Samples) != 1 ||
		res.Phases[0].WallSeconds <= 0 || res.Phases[0].PeakRSSMiB <= 0 {
		t.Errorf("results %+v", res)
	}
	if _, err := snapfile.ReadFile(filepath.Join(dir, "synthetic-120.json")); err != nil {
		t.Errorf("the synthetic snapshot: %v", err)
	}
}

// A child's measured peak is its own, not this process's: after this process has held 400
// MiB, a child that holds next to nothing must not be measured at 400 MiB.
func TestMeasureOwnPeak(t *testing.T) {
	big := make([]byte, 400<<20)
	for i := range big {
		big[i] = 1
	}
	big = nil
	_, s, err := measure([]string{"/bin/true"})
	if err != nil {
		t.Fatal(err)
	}
	if s.PeakRSSMiB > 100 {
		t.Errorf("/bin/true measured at %.0f MiB: the parent's peak leaked into it", s.PeakRSSMiB)
	}
	_ = big
}
