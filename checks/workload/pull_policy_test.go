package workload

import (
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubeposture/kubeposture/checks"
)

func TestPullPolicy(t *testing.T) {
	p := res("Pod", "a", "p")
	tests := []struct {
		name   string
		image  string
		policy corev1.PullPolicy
		status checks.Status
		obs    string
	}{
		{"latest with IfNotPresent warns", "nginx:latest", corev1.PullIfNotPresent, checks.Warn,
			`container "app" image "nginx:latest" (no digest, tag latest or none) with imagePullPolicy IfNotPresent`},
		{"no tag with Never warns", "nginx", corev1.PullNever, checks.Warn, "imagePullPolicy Never"},
		{"no tag behind a registry port warns", "localhost:5000/app", corev1.PullIfNotPresent, checks.Warn, `"localhost:5000/app"`},
		{"latest with Always passes", "nginx:latest", corev1.PullAlways, checks.Pass, ""},
		{"latest with the policy unset (manifest) passes", "nginx:latest", "", checks.Pass, ""},
		{"version tag with IfNotPresent passes", "nginx:1.27", corev1.PullIfNotPresent, checks.Pass, ""},
		{"port looks like a tag but is not: version tag", "localhost:5000/app:2", corev1.PullIfNotPresent, checks.Pass, ""},
		{"digest with Never passes", "nginx@" + digest, corev1.PullNever, checks.Pass, ""},
		{"latest and digest with IfNotPresent passes", "nginx:latest@" + digest, corev1.PullIfNotPresent, checks.Pass, ""},
		{"invalid reference is KP-WL-020's", "Nginx", corev1.PullIfNotPresent, checks.Pass, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := collected()
			s.Pods = append(s.Pods, pod("a", "p", nil, with(func(s *corev1.PodSpec) {
				s.Containers[0].Image, s.Containers[0].ImagePullPolicy = tt.image, tt.policy
			})))
			w := want{res: p, status: tt.status}
			if tt.obs != "" {
				w.observed = []string{tt.obs}
			}
			expect(t, pullPolicy(s), []want{w})
		})
	}

	t.Run("init and ephemeral containers; template rewritten to Always in the pods", func(t *testing.T) {
		s := collected()
		tmpl := with(func(s *corev1.PodSpec) {
			s.InitContainers = []corev1.Container{{Name: "init", Image: "tools", ImagePullPolicy: corev1.PullIfNotPresent}}
		})
		// AlwaysPullImages rewrote the pods' policy; a debug container was added to one.
		admitted := with(func(s *corev1.PodSpec) {
			s.InitContainers = []corev1.Container{{Name: "init", Image: "tools", ImagePullPolicy: corev1.PullAlways}}
		})
		debugged := admitted
		debugged.EphemeralContainers = []corev1.EphemeralContainer{{EphemeralContainerCommon: corev1.EphemeralContainerCommon{
			Name: "debug", Image: "busybox:latest", ImagePullPolicy: corev1.PullIfNotPresent}}}
		addDeployment(s, "shop", "web", tmpl, admitted, debugged)
		expect(t, pullPolicy(s), []want{{res: res("Deployment", "shop", "web"), status: checks.Warn, where: "spec.template.spec",
			observed: []string{`template: initContainer "init" image "tools"`,
				`1 of 2 pods (web-7d9f-b): ephemeralContainer "debug" image "busybox:latest"`,
				"1 of 2 pods: no image named by latest"}}})
	})
}
