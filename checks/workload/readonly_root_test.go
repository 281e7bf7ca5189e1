package workload

import (
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

// readOnly returns a restricted security context with readOnlyRootFilesystem=v (nil: unset).
func readOnly(v *bool) *corev1.SecurityContext {
	sc := restrictedSC()
	sc.ReadOnlyRootFilesystem = v
	return sc
}

func TestReadOnlyRoot(t *testing.T) {
	p := res("Pod", "a", "p")
	ro := func(f func(*corev1.PodSpec)) func(*snapshot.Snapshot) {
		return func(s *snapshot.Snapshot) {
			s.Pods = append(s.Pods, pod("a", "p", nil, with(func(s *corev1.PodSpec) {
				s.Containers[0].SecurityContext = readOnly(ptr(true))
				f(s)
			})))
		}
	}
	tests := []struct {
		name  string
		build func(*snapshot.Snapshot)
		want  want
	}{
		{"read-only passes", ro(func(*corev1.PodSpec) {}), want{res: p, status: checks.Pass}},
		{"unset is writable", ro(func(s *corev1.PodSpec) { s.Containers[0].SecurityContext = readOnly(nil) }),
			want{res: p, status: checks.Fail, observed: []string{`container "app" does not set readOnlyRootFilesystem (writable)`}}},
		{"no security context at all", ro(func(s *corev1.PodSpec) { s.Containers[0].SecurityContext = nil }),
			want{res: p, status: checks.Fail, observed: []string{`container "app" does not set readOnlyRootFilesystem`}}},
		{"explicit false", ro(func(s *corev1.PodSpec) { s.Containers[0].SecurityContext = readOnly(ptr(false)) }),
			want{res: p, status: checks.Fail, observed: []string{`container "app" sets readOnlyRootFilesystem=false`}}},
		{"a writable init container beside a read-only main container", ro(func(s *corev1.PodSpec) {
			s.InitContainers = []corev1.Container{{Name: "setup", Image: "i@" + digest, SecurityContext: restrictedSC()}}
		}), want{res: p, status: checks.Fail, observed: []string{`initContainer "setup" does not set`}}},
		{"a kubectl debug container", ro(func(s *corev1.PodSpec) {
			s.EphemeralContainers = []corev1.EphemeralContainer{{EphemeralContainerCommon: corev1.EphemeralContainerCommon{Name: "debugger-x1", Image: "busybox"}}}
		}), want{res: p, status: checks.Fail, observed: []string{`ephemeralContainer "debugger-x1" does not set`}}},
		{"pod-level security context has no such field: containers still fail", ro(func(s *corev1.PodSpec) {
			s.SecurityContext = &corev1.PodSecurityContext{RunAsNonRoot: ptr(true), FSGroup: ptr(int64(2000))}
			s.Containers[0].SecurityContext = readOnly(nil)
		}), want{res: p, status: checks.Fail}},
		{"windows pod: not applicable, noted", ro(func(s *corev1.PodSpec) {
			s.OS = &corev1.PodOS{Name: corev1.Windows}
			s.Containers[0].SecurityContext = nil
		}), want{res: p, status: checks.Pass, observed: []string{"a Windows pod"}}},
		{"deployment whose template is read-only and one pod debugged", func(s *snapshot.Snapshot) {
			clean := with(func(s *corev1.PodSpec) { s.Containers[0].SecurityContext = readOnly(ptr(true)) })
			debugged := with(func(s *corev1.PodSpec) {
				s.Containers[0].SecurityContext = readOnly(ptr(true))
				s.EphemeralContainers = []corev1.EphemeralContainer{{EphemeralContainerCommon: corev1.EphemeralContainerCommon{Name: "dbg", Image: "busybox"}}}
			})
			addDeployment(s, "shop", "web", clean, clean, debugged)
		}, want{res: res("Deployment", "shop", "web"), status: checks.Fail, where: "pod spec (the pods differ from spec.template.spec)",
			observed: []string{`1 of 2 pods (web-7d9f-b): ephemeralContainer "dbg"`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := collected()
			tt.build(s)
			expect(t, readOnlyRoot(s), []want{tt.want})
		})
	}
}
