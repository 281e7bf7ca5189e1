package collect

import (
	"reflect"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// TestCompactPod: what the checks read (the pod's addresses) and the short facts (phase,
// reason, QoS class, start time) stay; conditions and container statuses go; the containers'
// resources go only from a pod whose controller's template the snapshot holds.
func TestCompactPod(t *testing.T) {
	start := metav1.Now()
	status := func() corev1.PodStatus {
		return corev1.PodStatus{
			Phase: corev1.PodRunning, Reason: "r", Message: "m", HostIP: "10.0.0.1",
			HostIPs: []corev1.HostIP{{IP: "10.0.0.1"}}, PodIP: "10.1.0.5", PodIPs: []corev1.PodIP{{IP: "10.1.0.5"}, {IP: "fd00::5"}},
			QOSClass: corev1.PodQOSBurstable, StartTime: &start,
			Conditions:                 []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue, Message: "ready"}},
			ContainerStatuses:          []corev1.ContainerStatus{{Name: "app", ImageID: "sha256:1", Ready: true}},
			InitContainerStatuses:      []corev1.ContainerStatus{{Name: "init"}},
			EphemeralContainerStatuses: []corev1.ContainerStatus{{Name: "debug"}},
			ResourceClaimStatuses:      []corev1.PodResourceClaimStatus{{Name: "gpu"}},
		}
	}
	wantStatus := status()
	wantStatus.Conditions, wantStatus.ContainerStatuses, wantStatus.InitContainerStatuses = nil, nil, nil
	wantStatus.EphemeralContainerStatuses, wantStatus.ResourceClaimStatuses = nil, nil
	res := corev1.ResourceRequirements{Limits: corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("256Mi")}}
	yes := true
	for _, tc := range []struct {
		owner         *metav1.OwnerReference
		dropResources bool
	}{
		{nil, false},
		{&metav1.OwnerReference{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: "web-1", Controller: &yes}, true},
		{&metav1.OwnerReference{APIVersion: "apps/v1", Kind: "StatefulSet", Name: "db", Controller: &yes}, true},
		{&metav1.OwnerReference{APIVersion: "apps/v1", Kind: "DaemonSet", Name: "agent", Controller: &yes}, true},
		{&metav1.OwnerReference{APIVersion: "batch/v1", Kind: "Job", Name: "report-1", Controller: &yes}, true},
		{&metav1.OwnerReference{APIVersion: "v1", Kind: "Node", Name: "node-1", Controller: &yes}, false},                 // a static pod
		{&metav1.OwnerReference{APIVersion: "argoproj.io/v1alpha1", Kind: "Rollout", Name: "r", Controller: &yes}, false}, // template not collected
		{&metav1.OwnerReference{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: "web-1"}, false},                         // an owner, not the controller
	} {
		p := corev1.Pod{Spec: corev1.PodSpec{
			InitContainers: []corev1.Container{{Name: "init", Resources: res}},
			Containers:     []corev1.Container{{Name: "app", Image: "app:1", Resources: res}},
		}, Status: status()}
		if tc.owner != nil {
			p.OwnerReferences = []metav1.OwnerReference{*tc.owner}
		}
		compactPod(&p)
		name := "bare pod"
		if tc.owner != nil {
			name = tc.owner.Kind
		}
		if !reflect.DeepEqual(p.Status, wantStatus) {
			t.Errorf("%s: compacted status\n%+v\nwant\n%+v", name, p.Status, wantStatus)
		}
		for _, c := range append(p.Spec.InitContainers, p.Spec.Containers...) {
			if dropped := c.Resources.Limits == nil; dropped != tc.dropResources {
				t.Errorf("%s: container %s resources dropped %v, want %v", name, c.Name, dropped, tc.dropResources)
			}
		}
		if p.Spec.Containers[0].Image != "app:1" {
			t.Errorf("%s: image lost", name)
		}
	}
}
