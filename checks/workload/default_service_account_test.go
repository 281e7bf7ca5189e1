package workload

import (
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func TestDefaultServiceAccount(t *testing.T) {
	sa := func(name string) corev1.PodSpec {
		return with(func(s *corev1.PodSpec) { s.ServiceAccountName = name })
	}
	tests := []struct {
		name  string
		build func(s *snapshot.Snapshot)
		want  []want
	}{
		{
			name:  "own service account passes",
			build: func(s *snapshot.Snapshot) { s.Pods = append(s.Pods, pod("a", "p", nil, sa("billing"))) },
			want:  []want{{res: res("Pod", "a", "p"), status: checks.Pass}},
		},
		{
			name:  "unset fails",
			build: func(s *snapshot.Snapshot) { s.Pods = append(s.Pods, pod("a", "p", nil, restrictedSpec())) },
			want:  []want{{res: res("Pod", "a", "p"), status: checks.Fail, observed: []string{`runs as the "default" service account`}}},
		},
		{
			name:  "default named explicitly fails",
			build: func(s *snapshot.Snapshot) { s.Pods = append(s.Pods, pod("a", "p", nil, sa("default"))) },
			want:  []want{{res: res("Pod", "a", "p"), status: checks.Fail, observed: []string{`runs as the "default" service account`}}},
		},
		{
			name: "deprecated serviceAccount field is read when serviceAccountName is empty",
			build: func(s *snapshot.Snapshot) {
				s.Pods = append(s.Pods,
					pod("a", "old-own", nil, with(func(s *corev1.PodSpec) { s.DeprecatedServiceAccount = "billing" })),
					pod("a", "old-default", nil, with(func(s *corev1.PodSpec) { s.DeprecatedServiceAccount = "default" })))
			},
			want: []want{
				{res: res("Pod", "a", "old-own"), status: checks.Pass},
				{res: res("Pod", "a", "old-default"), status: checks.Fail, observed: []string{`runs as the "default" service account`}},
			},
		},
		{
			name: "automount off still fails, and says so",
			build: func(s *snapshot.Snapshot) {
				s.Pods = append(s.Pods, pod("a", "p", nil, with(func(s *corev1.PodSpec) { s.AutomountServiceAccountToken = ptr(false) })))
			},
			want: []want{{res: res("Pod", "a", "p"), status: checks.Fail, observed: []string{"automountServiceAccountToken: false, no token mounted"}}},
		},
		{
			name: "mirror pods cannot use service accounts",
			build: func(s *snapshot.Snapshot) {
				p := pod("kube-system", "kube-apiserver-cp1", nil, restrictedSpec())
				p.Annotations = map[string]string{mirrorAnnotation: "abc"}
				s.Pods = append(s.Pods, p)
			},
			want: []want{{res: res("Pod", "kube-system", "kube-apiserver-cp1"), status: checks.NotApplicable}},
		},
		{
			name: "folded per workload: template and pods, CronJob through its Job",
			build: func(s *snapshot.Snapshot) {
				addDeployment(s, "shop", "web", restrictedSpec(), restrictedSpec(), restrictedSpec())
				addDeployment(s, "shop", "api", sa("api"), sa("api"))
				addCronJob(s, "shop", "report", sa("default"), sa("default"))
				// Admission set the pods' serviceAccountName; the template left it unset.
				addDeployment(s, "shop", "admitted", restrictedSpec(), sa("default"))
			},
			want: []want{
				{res: res("Deployment", "shop", "web"), status: checks.Fail, where: "spec.template.spec", observed: []string{`template and 2 of 2 pods: runs as the "default" service account`}},
				{res: res("Deployment", "shop", "api"), status: checks.Pass, observed: []string{"template and 1 of 1 pod: runs as its own service account"}},
				{res: res("CronJob", "shop", "report"), status: checks.Fail, where: "spec.jobTemplate.spec.template.spec"},
				{res: res("Deployment", "shop", "admitted"), status: checks.Fail, observed: []string{`template and 1 of 1 pod: runs as the "default" service account`}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := collected()
			tt.build(s)
			got := defaultServiceAccount(s)
			for i := range got { // NOT_APPLICABLE carries a reason, not an expected value
				if got[i].Status == checks.NotApplicable {
					if got[i].Reason == "" {
						t.Errorf("NOT_APPLICABLE without a reason: %+v", got[i])
					}
					got[i].Evidence.Expected = "-"
				}
			}
			expect(t, got, tt.want)
		})
	}
}
