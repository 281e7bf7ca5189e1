package snapshot

import (
	"bytes"
	"reflect"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
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
	in := New()
	in.Cluster.Provider = ProviderUnknown
	in.Pods = []corev1.Pod{
		replica("web-1-a", "kube-api-access-aaaaa", false, "500m"),
		replica("web-1-b", "kube-api-access-bbbbb", false, "500m"),
		replica("web-1-c", "kube-api-access-ccccc", true, "1"), // patched by hand: must stay its own
	}
	var buf bytes.Buffer
	if err := Write(&buf, in); err != nil {
		t.Fatal(err)
	}
	out, err := Read(&buf)
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

// Write streams a snapshot member by member and list element by element; a field that
// encode cannot write itself would make it fall back to encoding the whole document in
// memory (an unexported field did, unnoticed, for a while: 110 MB more at 10,000 pods).
func TestWriteStreams(t *testing.T) {
	if !plainMembers {
		t.Fatal("Snapshot has a member encode cannot write itself: Write would hold the whole document in memory")
	}
}
