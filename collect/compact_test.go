package collect

import (
	"reflect"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// TestCompactPod: what the checks read (the pod's addresses), the short facts (phase, reason,
// QoS class, start time), the running images' digests and every container's resources stay;
// conditions and the rest of the container statuses go.
func TestCompactPod(t *testing.T) {
	start := metav1.Now()
	status := func() corev1.PodStatus {
		return corev1.PodStatus{
			Phase: corev1.PodRunning, Reason: "r", Message: "m", HostIP: "10.0.0.1",
			HostIPs: []corev1.HostIP{{IP: "10.0.0.1"}}, PodIP: "10.1.0.5", PodIPs: []corev1.PodIP{{IP: "10.1.0.5"}, {IP: "fd00::5"}},
			QOSClass: corev1.PodQOSBurstable, StartTime: &start,
			Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue, Message: "ready"}},
			ContainerStatuses: []corev1.ContainerStatus{{Name: "app", Image: "app:1", ImageID: "registry.example/app@sha256:1", Ready: true,
				RestartCount: 3, State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: start}}}},
			InitContainerStatuses:      []corev1.ContainerStatus{{Name: "init", Image: "init:1", ImageID: "sha256:2", Ready: true}},
			EphemeralContainerStatuses: []corev1.ContainerStatus{{Name: "debug", Image: "busybox", ImageID: "sha256:3"}},
			ResourceClaimStatuses:      []corev1.PodResourceClaimStatus{{Name: "gpu"}},
		}
	}
	wantStatus := status()
	wantStatus.Conditions, wantStatus.ResourceClaimStatuses = nil, nil
	wantStatus.ContainerStatuses = []corev1.ContainerStatus{{Name: "app", Image: "app:1", ImageID: "registry.example/app@sha256:1"}}
	wantStatus.InitContainerStatuses = []corev1.ContainerStatus{{Name: "init", Image: "init:1", ImageID: "sha256:2"}}
	wantStatus.EphemeralContainerStatuses = []corev1.ContainerStatus{{Name: "debug", Image: "busybox", ImageID: "sha256:3"}}
	res := corev1.ResourceRequirements{Limits: corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("256Mi")}}
	yes := true
	for _, owner := range []*metav1.OwnerReference{
		nil,
		// A pod of a controller keeps its own resources: a LimitRange or a resize may have set
		// values its template does not have.
		{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: "web-1", Controller: &yes},
		{APIVersion: "batch/v1", Kind: "Job", Name: "report-1", Controller: &yes},
	} {
		p := corev1.Pod{Spec: corev1.PodSpec{
			InitContainers: []corev1.Container{{Name: "init", Resources: res}},
			Containers:     []corev1.Container{{Name: "app", Image: "app:1", Resources: res}},
		}, Status: status()}
		name := "bare pod"
		if owner != nil {
			p.OwnerReferences = []metav1.OwnerReference{*owner}
			name = owner.Kind
		}
		compactPod(&p)
		if !reflect.DeepEqual(p.Status, wantStatus) {
			t.Errorf("%s: compacted status\n%+v\nwant\n%+v", name, p.Status, wantStatus)
		}
		for _, c := range append(p.Spec.InitContainers, p.Spec.Containers...) {
			if c.Resources.Limits == nil {
				t.Errorf("%s: container %s lost its resources", name, c.Name)
			}
		}
	}
}
