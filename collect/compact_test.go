package collect

import (
	"reflect"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// TestCompactPodStatus: what the checks read (the pod's addresses) and the short facts (phase,
// reason, QoS class, start time) stay; conditions and container statuses go.
func TestCompactPodStatus(t *testing.T) {
	start := metav1.Now()
	st := corev1.PodStatus{
		Phase: corev1.PodRunning, Reason: "r", Message: "m", HostIP: "10.0.0.1",
		HostIPs: []corev1.HostIP{{IP: "10.0.0.1"}}, PodIP: "10.1.0.5", PodIPs: []corev1.PodIP{{IP: "10.1.0.5"}, {IP: "fd00::5"}},
		QOSClass: corev1.PodQOSBurstable, StartTime: &start,
		Conditions:                 []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue, Message: "ready"}},
		ContainerStatuses:          []corev1.ContainerStatus{{Name: "app", ImageID: "sha256:1", Ready: true}},
		InitContainerStatuses:      []corev1.ContainerStatus{{Name: "init"}},
		EphemeralContainerStatuses: []corev1.ContainerStatus{{Name: "debug"}},
		ResourceClaimStatuses:      []corev1.PodResourceClaimStatus{{Name: "gpu"}},
	}
	want := corev1.PodStatus{
		Phase: st.Phase, Reason: st.Reason, Message: st.Message, HostIP: st.HostIP, HostIPs: st.HostIPs,
		PodIP: st.PodIP, PodIPs: st.PodIPs, QOSClass: st.QOSClass, StartTime: st.StartTime,
	}
	compactPodStatus(&st)
	if !reflect.DeepEqual(st, want) {
		t.Errorf("compacted status\n%+v\nwant\n%+v", st, want)
	}
}
