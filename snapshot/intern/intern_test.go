package intern_test

import (
	"bytes"
	"reflect"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubeposture/kubeposture/internal/synth"
	"github.com/kubeposture/kubeposture/snapshot"
	"github.com/kubeposture/kubeposture/snapshot/intern"
	"github.com/kubeposture/kubeposture/snapshot/snapfile"
)

// TestSharerKeepsValues reads replicas back and checks that what they share is equal, what
// differs stays their own, and the values are those written.
func TestSharerKeepsValues(t *testing.T) {
	yes := true
	owner := []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: "web-1", UID: "rs", Controller: &yes}}
	replica := func(name, saVolume string, privileged bool, cpu string) corev1.Pod {
		return corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Namespace: "a", Name: name, Labels: map[string]string{"app": "web", "pod-template-hash": "1"}, OwnerReferences: owner},
			Spec: corev1.PodSpec{
				Containers: []corev1.Container{{Name: "app", Image: "web:1",
					SecurityContext: &corev1.SecurityContext{Privileged: &privileged},
					Resources:       corev1.ResourceRequirements{Limits: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(cpu)}},
					VolumeMounts:    []corev1.VolumeMount{{Name: saVolume, MountPath: "/var/run/secrets/kubernetes.io/serviceaccount"}}}},
				Volumes: []corev1.Volume{{Name: saVolume, VolumeSource: corev1.VolumeSource{Projected: &corev1.ProjectedVolumeSource{
					Sources: []corev1.VolumeProjection{{ServiceAccountToken: &corev1.ServiceAccountTokenProjection{Path: "token"}}}}}}},
			},
		}
	}
	in := snapshot.New()
	in.Cluster.Provider = snapshot.ProviderUnknown
	in.Pods = []corev1.Pod{
		replica("web-1-a", "kube-api-access-aaaaa", false, "500m"),
		replica("web-1-b", "kube-api-access-bbbbb", false, "500m"),
		replica("web-1-c", "kube-api-access-ccccc", true, "1"), // patched by hand: must stay its own
	}
	var buf bytes.Buffer
	if err := snapfile.Write(&buf, in); err != nil {
		t.Fatal(err)
	}
	out, err := snapfile.Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	for i := range in.Pods {
		// Quantities compare by value: reading caches their string form.
		if !reflect.DeepEqual(in.Pods[i].Spec.Volumes, out.Pods[i].Spec.Volumes) ||
			!reflect.DeepEqual(in.Pods[i].Labels, out.Pods[i].Labels) ||
			*in.Pods[i].Spec.Containers[0].SecurityContext.Privileged != *out.Pods[i].Spec.Containers[0].SecurityContext.Privileged ||
			in.Pods[i].Spec.Containers[0].VolumeMounts[0].Name != out.Pods[i].Spec.Containers[0].VolumeMounts[0].Name ||
			out.Pods[i].Spec.Containers[0].Resources.Limits.Cpu().Cmp(*in.Pods[i].Spec.Containers[0].Resources.Limits.Cpu()) != 0 {
			t.Errorf("pod %d read back differs:\n got %+v\nwant %+v", i, out.Pods[i].Spec, in.Pods[i].Spec)
		}
	}
	a, b, c := out.Pods[0].Spec, out.Pods[1].Spec, out.Pods[2].Spec
	if a.Containers[0].SecurityContext != b.Containers[0].SecurityContext {
		t.Error("equal security contexts of two replicas are not shared")
	}
	if a.Containers[0].SecurityContext == c.Containers[0].SecurityContext {
		t.Error("a different security context was shared")
	}
	if reflect.ValueOf(a.Containers[0].Resources.Limits).Pointer() != reflect.ValueOf(b.Containers[0].Resources.Limits).Pointer() {
		t.Error("equal resource lists are not shared")
	}
	if reflect.ValueOf(a.Containers[0].Resources.Limits).Pointer() == reflect.ValueOf(c.Containers[0].Resources.Limits).Pointer() {
		t.Error("different resource lists were shared")
	}
	if reflect.ValueOf(out.Pods[0].Labels).Pointer() != reflect.ValueOf(out.Pods[2].Labels).Pointer() {
		t.Error("equal label maps are not shared")
	}
	if a.Volumes[0].Projected != b.Volumes[0].Projected || a.Volumes[0].Name == b.Volumes[0].Name {
		t.Error("the service-account volume's equal source should be shared and its own name kept")
	}
}

// BenchmarkShare shares the pods of a synthetic snapshot as they arrive (one Sharer per
// list, as the collector and Read use it): the collector's cost per pod beyond decoding.
func BenchmarkShare(b *testing.B) {
	src := synth.Snapshot(10000).Pods
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		pods := make([]corev1.Pod, len(src))
		for i := range src {
			src[i].DeepCopyInto(&pods[i])
		}
		b.StartTimer()
		sh := intern.New()
		for i := range pods {
			sh.Share(&pods[i])
		}
	}
}
