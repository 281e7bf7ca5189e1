package intern

import (
	"reflect"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

// equal must answer as reflect.DeepEqual on the parts the Sharer compares: every pair of
// containers and pod-level parts of a varied set of pods, and the cases where the two could
// part (nil against empty, quantities, maps).
func TestEqualIsDeepEqual(t *testing.T) {
	one, two := resource.MustParse("1"), resource.MustParse("1000m")
	zero := int64(0)
	vals := []any{
		[]string(nil), []string{}, []string{"a"}, []string{"a", "b"}, []string{"b", "a"},
		map[string]string(nil), map[string]string{}, map[string]string{"a": "1"}, map[string]string{"a": "2"},
		(*corev1.SecurityContext)(nil), &corev1.SecurityContext{}, &corev1.SecurityContext{RunAsUser: &zero},
		&corev1.SecurityContext{Capabilities: &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}}},
		&corev1.SecurityContext{Capabilities: &corev1.Capabilities{Drop: []corev1.Capability{}}},
		[]corev1.EnvVar{{Name: "X", ValueFrom: &corev1.EnvVarSource{ResourceFieldRef: &corev1.ResourceFieldSelector{Resource: "limits.cpu", Divisor: one}}}},
		[]corev1.EnvVar{{Name: "X", ValueFrom: &corev1.EnvVarSource{ResourceFieldRef: &corev1.ResourceFieldSelector{Resource: "limits.cpu", Divisor: two}}}},
		corev1.VolumeSource{CSI: &corev1.CSIVolumeSource{Driver: "d", VolumeAttributes: map[string]string{"k": "v"}}},
		corev1.VolumeSource{CSI: &corev1.CSIVolumeSource{Driver: "d", VolumeAttributes: map[string]string{"k": "w"}}},
		corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{SizeLimit: &one}},
		corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{SizeLimit: &two}},
	}
	yes := true
	for i, p := range []corev1.Pod{
		{Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "a", Image: "x", Args: []string{"-v"}, Ports: []corev1.ContainerPort{{ContainerPort: 80}}}}}},
		{Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "a", Image: "x", Args: []string{"-v"}, Ports: []corev1.ContainerPort{{ContainerPort: 81}}}}}},
		{Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "a", Image: "x", SecurityContext: &corev1.SecurityContext{Privileged: &yes},
			LivenessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{"true"}}}}}}}},
		{Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "a", Image: "x", SecurityContext: &corev1.SecurityContext{Privileged: &yes},
			LivenessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{"false"}}}}}}}},
	} {
		_ = i
		vals = append(vals, p.Spec.Containers[0], p.Spec.Containers[0].SecurityContext, p.Spec.Containers[0].LivenessProbe, p.Spec)
	}
	for _, a := range vals {
		for _, b := range vals {
			va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
			if va.Type() != vb.Type() {
				continue
			}
			if got, want := equal(va, vb), reflect.DeepEqual(a, b); got != want {
				t.Errorf("equal(%#v, %#v) = %v, DeepEqual %v", a, b, got, want)
			}
		}
	}
}
