package workload

import (
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func TestPSSRestricted(t *testing.T) {
	// podLevel moves runAsNonRoot and seccomp to the pod and leaves them unset on containers.
	podLevel := func(s *corev1.PodSpec) {
		s.SecurityContext = &corev1.PodSecurityContext{RunAsNonRoot: ptr(true),
			SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}}
		for i := range s.Containers {
			s.Containers[i].SecurityContext.RunAsNonRoot = nil
			s.Containers[i].SecurityContext.SeccompProfile = nil
		}
	}
	bare := func(name string, spec corev1.PodSpec) func(*snapshot.Snapshot) {
		return func(s *snapshot.Snapshot) { s.Pods = append(s.Pods, pod("a", name, nil, spec)) }
	}
	tests := []struct {
		name  string
		build func(s *snapshot.Snapshot)
		want  []want
	}{
		{
			name:  "fully restricted pod passes",
			build: bare("p", restrictedSpec()),
			want:  []want{{res: res("Pod", "a", "p"), status: checks.Pass, observed: []string{"allowed"}}},
		},
		{
			name:  "unset allowPrivilegeEscalation fails",
			build: bare("p", with(func(s *corev1.PodSpec) { s.Containers[0].SecurityContext.AllowPrivilegeEscalation = nil })),
			want: []want{{res: res("Pod", "a", "p"), status: checks.Fail,
				observed: []string{"allowPrivilegeEscalation != false"}}},
		},
		{
			name:  "pod-level runAsNonRoot and seccomp cover containers",
			build: bare("p", with(podLevel)),
			want:  []want{{res: res("Pod", "a", "p"), status: checks.Pass}},
		},
		{
			name: "container runAsNonRoot=false overrides the pod level",
			build: bare("p", with(func(s *corev1.PodSpec) {
				podLevel(s)
				s.Containers[0].SecurityContext.RunAsNonRoot = ptr(false)
			})),
			want: []want{{res: res("Pod", "a", "p"), status: checks.Fail, observed: []string{"runAsNonRoot != true"}}},
		},
		{
			name: "runAsNonRoot unset everywhere fails even with a non-zero runAsUser",
			build: bare("p", with(func(s *corev1.PodSpec) {
				s.Containers[0].SecurityContext.RunAsNonRoot = nil
				s.Containers[0].SecurityContext.RunAsUser = ptr(int64(1000))
			})),
			want: []want{{res: res("Pod", "a", "p"), status: checks.Fail, observed: []string{"runAsNonRoot != true"}}},
		},
		{
			name: "capabilities without drop ALL fail",
			build: bare("p", with(func(s *corev1.PodSpec) {
				s.Containers[0].SecurityContext.Capabilities.Drop = []corev1.Capability{"NET_RAW"}
			})),
			want: []want{{res: res("Pod", "a", "p"), status: checks.Fail, observed: []string{"unrestricted capabilities"}}},
		},
		{
			name: "drop all in lower case is not drop ALL",
			build: bare("p", with(func(s *corev1.PodSpec) {
				s.Containers[0].SecurityContext.Capabilities.Drop = []corev1.Capability{"all"}
			})),
			want: []want{{res: res("Pod", "a", "p"), status: checks.Fail, observed: []string{"unrestricted capabilities", `must set securityContext.capabilities.drop=["ALL"]`}}},
		},
		{
			name: "seccomp RuntimeDefault at pod level, overridden by Unconfined in a container, fails",
			build: bare("p", with(func(s *corev1.PodSpec) {
				podLevel(s)
				s.Containers[0].SecurityContext.SeccompProfile = &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeUnconfined}
			})),
			want: []want{{res: res("Pod", "a", "p"), status: checks.Fail, observed: []string{`seccompProfile (container "app" must not set securityContext.seccompProfile.type to "Unconfined")`}}},
		},
		{
			name: "a privileged init container beside a clean main container fails",
			build: bare("p", with(func(s *corev1.PodSpec) {
				s.InitContainers = []corev1.Container{{Name: "setup", SecurityContext: &corev1.SecurityContext{Privileged: ptr(true)}}}
			})),
			want: []want{{res: res("Pod", "a", "p"), status: checks.Fail, observed: []string{`"setup"`, "privileged"}}},
		},
		{
			name: "init container without a security context fails",
			build: bare("p", with(func(s *corev1.PodSpec) {
				s.InitContainers = []corev1.Container{{Name: "migrate"}}
			})),
			want: []want{{res: res("Pod", "a", "p"), status: checks.Fail, observed: []string{`container "migrate"`}}},
		},
		{
			name:  "baseline failures fail restricted too",
			build: bare("p", with(func(s *corev1.PodSpec) { s.HostNetwork = true })),
			want:  []want{{res: res("Pod", "a", "p"), status: checks.Fail, observed: []string{"hostNetwork=true"}}},
		},
		{
			name: "hostPath is reported by the restricted volume check that overrides baseline",
			build: bare("p", with(func(s *corev1.PodSpec) {
				s.Volumes = []corev1.Volume{{Name: "h", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/x"}}}}
			})),
			want: []want{{res: res("Pod", "a", "p"), status: checks.Fail, observed: []string{"restricted volume types"}}},
		},
		{
			name: "injected sidecar without security context fails the deployment",
			build: func(s *snapshot.Snapshot) {
				injected := with(func(s *corev1.PodSpec) {
					s.Containers = append(s.Containers, corev1.Container{Name: "istio-proxy"})
				})
				addDeployment(s, "shop", "web", restrictedSpec(), injected, injected)
			},
			want: []want{{res: res("Deployment", "shop", "web"), status: checks.Fail,
				observed: []string{`2 of 2 pods: allowPrivilegeEscalation != false (container "istio-proxy"`, "template: allowed"}}},
		},
		{
			name: "cronjob folds its job's pods",
			build: func(s *snapshot.Snapshot) {
				addCronJob(s, "ops", "backup", restrictedSpec(), restrictedSpec(), restrictedSpec())
			},
			want: []want{{res: res("CronJob", "ops", "backup"), status: checks.Pass,
				where: "spec.jobTemplate.spec.template.spec", observed: []string{"template and 2 of 2 pods: allowed"}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := collected()
			tt.build(s)
			expect(t, pssRestricted(s), tt.want)
		})
	}
}
