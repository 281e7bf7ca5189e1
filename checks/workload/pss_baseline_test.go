package workload

import (
	"slices"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func TestPSSBaseline(t *testing.T) {
	privileged := func(s *corev1.PodSpec) { s.Containers[0].SecurityContext.Privileged = ptr(true) }
	sidecar := func(s *corev1.PodSpec) {
		s.Containers = append(s.Containers, corev1.Container{Name: "proxy",
			SecurityContext: &corev1.SecurityContext{Privileged: ptr(true)}})
	}
	tests := []struct {
		name  string
		build func(s *snapshot.Snapshot)
		want  []want
	}{
		{
			name: "privileged container fails",
			build: func(s *snapshot.Snapshot) {
				s.Pods = append(s.Pods, pod("a", "p", nil, with(privileged)))
			},
			want: []want{{res: res("Pod", "a", "p"), status: checks.Fail, where: "spec",
				observed: []string{`privileged (container "app" must not set securityContext.privileged=true)`}}},
		},
		{
			name: "hostNetwork fails",
			build: func(s *snapshot.Snapshot) {
				s.Pods = append(s.Pods, pod("a", "p", nil, with(func(s *corev1.PodSpec) { s.HostNetwork = true })))
			},
			want: []want{{res: res("Pod", "a", "p"), status: checks.Fail,
				observed: []string{"host namespaces (hostNetwork=true)"}}},
		},
		{
			name: "several reasons are all listed, separated by semicolons",
			build: func(s *snapshot.Snapshot) {
				s.Pods = append(s.Pods, pod("a", "p", nil, with(func(s *corev1.PodSpec) {
					privileged(s)
					s.HostPID = true
				})))
			},
			want: []want{{res: res("Pod", "a", "p"), status: checks.Fail,
				observed: []string{`host namespaces (hostPID=true); privileged (container "app" must not set securityContext.privileged=true)`}}},
		},
		{
			name:  "fully restricted pod passes",
			build: func(s *snapshot.Snapshot) { s.Pods = append(s.Pods, pod("a", "p", nil, restrictedSpec())) },
			want:  []want{{res: res("Pod", "a", "p"), status: checks.Pass, observed: []string{"allowed"}}},
		},
		{
			name: "unset allowPrivilegeEscalation passes baseline",
			build: func(s *snapshot.Snapshot) {
				s.Pods = append(s.Pods, pod("a", "p", nil, corev1.PodSpec{Containers: []corev1.Container{{Name: "app"}}}))
			},
			want: []want{{res: res("Pod", "a", "p"), status: checks.Pass}},
		},
		{
			name: "init containers are in scope",
			build: func(s *snapshot.Snapshot) {
				s.Pods = append(s.Pods, pod("a", "p", nil, with(func(s *corev1.PodSpec) {
					s.InitContainers = []corev1.Container{{Name: "init", SecurityContext: &corev1.SecurityContext{Privileged: ptr(true)}}}
				})))
			},
			want: []want{{res: res("Pod", "a", "p"), status: checks.Fail, observed: []string{`container "init"`}}},
		},
		{
			name: "ephemeral containers are in scope",
			build: func(s *snapshot.Snapshot) {
				s.Pods = append(s.Pods, pod("a", "p", nil, with(func(s *corev1.PodSpec) {
					s.EphemeralContainers = []corev1.EphemeralContainer{{EphemeralContainerCommon: corev1.EphemeralContainerCommon{
						Name: "debug", SecurityContext: &corev1.SecurityContext{Privileged: ptr(true)}}}}
				})))
			},
			want: []want{{res: res("Pod", "a", "p"), status: checks.Fail, observed: []string{`container "debug"`}}},
		},
		{
			name: "added NET_RAW and hostPath fail",
			build: func(s *snapshot.Snapshot) {
				s.Pods = append(s.Pods, pod("a", "p", nil, with(func(s *corev1.PodSpec) {
					s.Containers[0].SecurityContext.Capabilities.Add = []corev1.Capability{"NET_RAW"}
					s.Volumes = []corev1.Volume{{Name: "root", VolumeSource: corev1.VolumeSource{
						HostPath: &corev1.HostPathVolumeSource{Path: "/"}}}}
				})))
			},
			want: []want{{res: res("Pod", "a", "p"), status: checks.Fail,
				observed: []string{"non-default capabilities", "hostPath volumes"}}},
		},
		{
			name: "pod metadata is read: unconfined AppArmor annotation fails",
			build: func(s *snapshot.Snapshot) {
				p := pod("a", "p", nil, restrictedSpec())
				p.Annotations = map[string]string{"container.apparmor.security.beta.kubernetes.io/app": "unconfined"}
				s.Pods = append(s.Pods, p)
			},
			want: []want{{res: res("Pod", "a", "p"), status: checks.Fail, observed: []string{"AppArmor"}}},
		},
		{
			name: "deployment with 3 pods yields one result",
			build: func(s *snapshot.Snapshot) {
				addDeployment(s, "shop", "web", restrictedSpec(), restrictedSpec(), restrictedSpec(), restrictedSpec())
			},
			want: []want{{res: res("Deployment", "shop", "web"), status: checks.Pass, where: "spec.template.spec",
				observed: []string{"template and 3 of 3 pods: allowed"}}},
		},
		{
			name: "privileged template fails once for the deployment",
			build: func(s *snapshot.Snapshot) {
				addDeployment(s, "shop", "web", with(privileged), with(privileged), with(privileged))
			},
			want: []want{{res: res("Deployment", "shop", "web"), status: checks.Fail, where: "spec.template.spec",
				observed: []string{"template and 2 of 2 pods: privileged"}}},
		},
		{
			name: "pod differing from a passing template (injected privileged sidecar) fails the deployment",
			build: func(s *snapshot.Snapshot) {
				addDeployment(s, "shop", "web", restrictedSpec(), restrictedSpec(), with(sidecar), restrictedSpec())
			},
			want: []want{{res: res("Deployment", "shop", "web"), status: checks.Fail,
				where:    "pod spec (the pods differ from spec.template.spec)",
				observed: []string{`1 of 3 pods (web-7d9f-b): privileged (container "proxy"`, "template and 2 of 3 pods: allowed"}}},
		},
		{
			name: "bare pod is its own unit beside a deployment",
			build: func(s *snapshot.Snapshot) {
				addDeployment(s, "shop", "web", restrictedSpec(), restrictedSpec())
				s.Pods = append(s.Pods, pod("shop", "debug", nil, with(privileged)))
			},
			want: []want{
				{res: res("Deployment", "shop", "web"), status: checks.Pass},
				{res: res("Pod", "shop", "debug"), status: checks.Fail},
			},
		},
		{
			name: "cronjob, job and pod fold into the cronjob",
			build: func(s *snapshot.Snapshot) {
				addCronJob(s, "ops", "backup", restrictedSpec(), with(func(s *corev1.PodSpec) { s.HostIPC = true }))
			},
			want: []want{{res: res("CronJob", "ops", "backup"), status: checks.Fail,
				where:    "pod spec (the pods differ from spec.jobTemplate.spec.template.spec)",
				observed: []string{"1 of 1 pod: host namespaces (hostIPC=true)"}}},
		},
		{
			name: "mirror pod in kube-system is judged like any pod",
			build: func(s *snapshot.Snapshot) {
				p := pod("kube-system", "kube-apiserver-n1", controller("Node", "n1", "node-uid"),
					with(func(s *corev1.PodSpec) { s.HostNetwork = true }))
				p.Annotations = map[string]string{"kubernetes.io/config.mirror": "abc"}
				s.Pods = append(s.Pods, p)
			},
			want: []want{{res: res("Pod", "kube-system", "kube-apiserver-n1"), status: checks.Fail,
				observed: []string{"hostNetwork=true"}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := collected()
			tt.build(s)
			expect(t, pssBaseline(s), tt.want)
		})
	}
}

func TestPSSReferences(t *testing.T) {
	base, restr := pssIDs("baseline"), pssIDs("restricted")
	for _, id := range []string{"privileged", "hostNamespaces", "capabilities_baseline", "hostPathVolumes"} {
		if !slices.Contains(base, id) || slices.Contains(restr, id) {
			t.Errorf("%s: want in baseline ids %v only", id, base)
		}
	}
	for _, id := range []string{"allowPrivilegeEscalation", "runAsNonRoot", "capabilities_restricted", "seccompProfile_restricted"} {
		if !slices.Contains(restr, id) || slices.Contains(base, id) {
			t.Errorf("%s: want in restricted ids %v only", id, restr)
		}
	}
	for _, c := range checks.Registered() {
		switch c.ID {
		case "KP-WL-001":
			if c.References.PSSLevel != "baseline" || !slices.Equal(c.References.PSS, base) {
				t.Errorf("KP-WL-001 references %+v", c.References)
			}
		case "KP-WL-002":
			if c.References.PSSLevel != "restricted" || !slices.Equal(c.References.PSS, restr) {
				t.Errorf("KP-WL-002 references %+v", c.References)
			}
		}
	}
}
