package imagescan

import (
	"fmt"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubeposture/kubeposture/snapshot"
)

// TestTargets: one target per digest however many pods run it, whatever the imageID form;
// a container without a digest is a target by reference, with a note; a template image no pod
// names (scaled to zero) is a target; a template image a pod names is not a second one.
func TestTargets(t *testing.T) {
	const d = "sha256:1111111111111111111111111111111111111111111111111111111111111111"
	s := snapshot.New()
	running := func(ns, name, image, imageID string) corev1.Pod {
		return corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
			Spec: corev1.PodSpec{
				InitContainers: []corev1.Container{{Name: "init", Image: "busybox:1.37"}},
				Containers:     []corev1.Container{{Name: "app", Image: image}}},
			Status: corev1.PodStatus{ContainerStatuses: []corev1.ContainerStatus{{Name: "app", ImageID: imageID}}}}
	}
	for i := 0; i < 10; i++ {
		id := "reg.example/shop/web@" + d
		if i%2 == 0 {
			id = "docker-pullable://" + id
		}
		s.Pods = append(s.Pods, running("shop", fmt.Sprintf("web-%d", i), "reg.example/shop/web:1.0", id))
	}
	tmpl := func(image string) appsv1.Deployment {
		return appsv1.Deployment{Spec: appsv1.DeploymentSpec{Template: corev1.PodTemplateSpec{
			Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: image}}}}}}
	}
	s.Deployments = append(s.Deployments, tmpl("reg.example/shop/web:1.0"), tmpl("reg.example/tools/idle:3"))

	got := Targets(s)
	want := map[string]struct {
		ref        string
		containers int
		note       bool
	}{
		d:                          {"reg.example/shop/web@" + d, 10, false},
		"busybox:1.37":             {"busybox:1.37", 10, true},
		"reg.example/tools/idle:3": {"reg.example/tools/idle:3", 1, true},
	}
	if len(got) != len(want) {
		t.Fatalf("%d targets, want %d: %+v", len(got), len(want), got)
	}
	for _, tg := range got {
		w, ok := want[tg.Key()]
		if !ok || tg.Ref != w.ref || tg.Containers != w.containers || (tg.Note != "") != w.note {
			t.Errorf("target %+v, want %+v", tg, w)
		}
	}
}
