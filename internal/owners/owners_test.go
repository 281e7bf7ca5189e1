package owners

import (
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kubeposture/kubeposture/snapshot"
)

func obj(ns, name string, uid types.UID, ownerKind string, ownerUID types.UID, controller bool) metav1.ObjectMeta {
	m := metav1.ObjectMeta{Namespace: ns, Name: name, UID: uid}
	if ownerKind != "" {
		m.OwnerReferences = []metav1.OwnerReference{{Kind: ownerKind, Name: "x", UID: ownerUID, Controller: &controller}}
	}
	return m
}

func TestIndex(t *testing.T) {
	s := snapshot.New()
	s.Deployments = []appsv1.Deployment{{ObjectMeta: obj("shop", "web", "d1", "", "", false)},
		{ObjectMeta: obj("other", "web", "d2", "", "", false)}}
	s.ReplicaSets = []appsv1.ReplicaSet{{ObjectMeta: obj("shop", "web-1", "rs1", "Deployment", "d1", true)},
		{ObjectMeta: obj("shop", "orphan-rs", "rs2", "Deployment", "gone", true)}}
	s.CronJobs = []batchv1.CronJob{{ObjectMeta: obj("ops", "backup", "c1", "", "", false)}}
	s.Jobs = []batchv1.Job{{ObjectMeta: obj("ops", "backup-1", "j1", "CronJob", "c1", true)}}
	s.Pods = []corev1.Pod{
		{ObjectMeta: obj("shop", "web-1-a", "p1", "ReplicaSet", "rs1", true)},
		{ObjectMeta: obj("shop", "web-1-b", "p2", "ReplicaSet", "rs1", true)},
		{ObjectMeta: obj("shop", "orphan-rs-a", "p3", "ReplicaSet", "rs2", true)},
		{ObjectMeta: obj("ops", "backup-1-a", "p4", "Job", "j1", true)},
		{ObjectMeta: obj("kube-system", "etcd-cp1", "p5", "Node", "n1", true)}, // mirror pod: owner not indexed
		{ObjectMeta: obj("shop", "adopted", "p6", "ReplicaSet", "rs1", false)}, // not a controller reference
		{ObjectMeta: obj("shop", "kind-mismatch", "p7", "Job", "rs1", true)},   // the UID is a ReplicaSet's
	}
	type key struct{ kind, ns, name string }
	want := map[key]int{
		{"Deployment", "shop", "web"}: 2, {"Deployment", "other", "web"}: 0,
		{"ReplicaSet", "shop", "orphan-rs"}: 1, {"CronJob", "ops", "backup"}: 1,
		{"Pod", "kube-system", "etcd-cp1"}: 1, {"Pod", "shop", "adopted"}: 1, {"Pod", "shop", "kind-mismatch"}: 1,
	}
	ws := Index(s)
	if len(ws) != len(want) {
		t.Errorf("%d workloads, want %d: %+v", len(ws), len(want), ws)
	}
	for _, w := range ws {
		n, ok := want[key{w.Kind, w.Namespace, w.Name}]
		if !ok {
			t.Errorf("unexpected workload %s/%s/%s", w.Kind, w.Namespace, w.Name)
			continue
		}
		if len(w.Pods) != n {
			t.Errorf("%s/%s/%s: %d pods, want %d", w.Kind, w.Namespace, w.Name, len(w.Pods), n)
		}
		if (w.Kind == "Pod") != (w.Template == nil) {
			t.Errorf("%s/%s: template %v", w.Kind, w.Name, w.Template)
		}
		if want := map[bool]string{true: "spec", false: "spec.template.spec"}[w.Kind == "Pod"]; w.Kind != "CronJob" && w.Where != want {
			t.Errorf("%s/%s: where %q, want %q", w.Kind, w.Name, w.Where, want)
		}
	}
}

func TestPart(t *testing.T) {
	for _, tc := range []struct {
		template bool
		n, total int
		names    []string
		want     string
	}{
		{true, 0, 0, nil, "template"},
		{true, 3, 3, []string{"a", "b", "c"}, "template and 3 of 3 pods"},
		{false, 1, 1, []string{"a"}, "1 of 1 pod"},
		{false, 2, 3, []string{"a", "b"}, "2 of 3 pods (a, b)"},
		{true, 4, 5, []string{"a", "b", "c", "d"}, "template and 4 of 5 pods (a, b, c, +1 more)"},
	} {
		if got := Part(tc.template, tc.n, tc.total, tc.names); got != tc.want {
			t.Errorf("Part(%v, %d, %d, %v) = %q, want %q", tc.template, tc.n, tc.total, tc.names, got, tc.want)
		}
	}
}
