package workload

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubeposture/kubeposture/checks"
)

func TestAllowedRegistries(t *testing.T) {
	p := res("Pod", "a", "p")
	tests := []struct {
		name    string
		allowed []string
		image   string
		status  checks.Status
		obs     string
	}{
		{"familiar name is docker.io/library", []string{"docker.io"}, "nginx", checks.Pass, ""},
		{"docker.io entry allows index.docker.io images", []string{"docker.io"}, "index.docker.io/library/nginx:1", checks.Pass, ""},
		{"index.docker.io entry allows familiar names", []string{"index.docker.io"}, "nginx:1", checks.Pass, ""},
		{"docker.io/library allows official images only", []string{"docker.io/library"}, "nginx", checks.Pass, ""},
		{"docker.io/library rejects a user repository", []string{"docker.io/library"}, "bitnami/redis:7", checks.Fail,
			`image "bitnami/redis:7" comes from docker.io (docker.io/bitnami/redis), not an allowed registry`},
		{"docker.io/nginx is not docker.io/library/nginx", []string{"docker.io/nginx"}, "nginx", checks.Fail, "docker.io/library/nginx"},
		{"nginx from docker hub is not the private registry", []string{"registry.example.com"}, "nginx", checks.Fail, "comes from docker.io"},
		{"registry with port matches host:port", []string{"localhost:5000"}, "localhost:5000/app:1", checks.Pass, ""},
		{"registry port differs", []string{"localhost:5000"}, "localhost:5001/app", checks.Fail, "comes from localhost:5001"},
		{"host without port does not allow host:port", []string{"registry.example.com"}, "registry.example.com:5000/app", checks.Fail, "registry.example.com:5000"},
		{"path prefix on a segment boundary", []string{"ghcr.io/acme"}, "ghcr.io/acme/app@" + digest, checks.Pass, ""},
		{"look-alike path is not below the prefix", []string{"ghcr.io/acme"}, "ghcr.io/acme-evil/app", checks.Fail, "ghcr.io/acme-evil/app"},
		{"host is case-insensitive, scheme and slash dropped", []string{"https://Registry.Example.com/"}, "registry.example.com/team/app:1", checks.Pass, ""},
		{"tag and digest: registry of the name", []string{"quay.io"}, "quay.io/org/app:1@" + digest, checks.Pass, ""},
		{"an image-looking registry name with no dot is docker hub's", []string{"registry.example.com"}, "myregistry/app", checks.Fail, "docker.io/myregistry/app"},
		{"invalid image fails", []string{"docker.io"}, "Bad:Image", checks.Fail, "not a valid image reference"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := collected()
			podWithImage(s, tt.image)
			w := want{res: p, status: tt.status}
			if tt.obs != "" {
				w.observed = []string{tt.obs}
			}
			expect(t, allowedRegistries(s, allowList(t, tt.allowed...)), []want{w})
		})
	}

	t.Run("init and ephemeral containers, and the pods of a workload", func(t *testing.T) {
		s := collected()
		clean := with(func(s *corev1.PodSpec) { s.Containers[0].Image = "registry.example.com/app:1" })
		debugged := with(func(s *corev1.PodSpec) {
			s.Containers[0].Image = "registry.example.com/app:1"
			s.InitContainers = []corev1.Container{{Name: "init", Image: "registry.example.com/init:1"}}
			s.EphemeralContainers = []corev1.EphemeralContainer{{EphemeralContainerCommon: corev1.EphemeralContainerCommon{Name: "debugger", Image: "busybox"}}}
		})
		badInit := with(func(s *corev1.PodSpec) {
			s.Containers[0].Image = "registry.example.com/app:1"
			s.InitContainers = []corev1.Container{{Name: "setup", Image: "ghcr.io/someone/setup:1"}}
		})
		addDeployment(s, "shop", "web", clean, clean, debugged)
		s.Pods = append(s.Pods, pod("a", "p", nil, badInit))
		expect(t, allowedRegistries(s, allowList(t, "registry.example.com")), []want{
			{res: res("Deployment", "shop", "web"), status: checks.Fail, where: "pod spec (the pods differ from spec.template.spec)",
				observed: []string{`1 of 2 pods (web-7d9f-b): ephemeralContainer "debugger" image "busybox" comes from docker.io`,
					"template and 1 of 2 pods: every image from an allowed registry (registry.example.com)"}},
			{res: res("Pod", "a", "p"), status: checks.Fail, observed: []string{`initContainer "setup" image "ghcr.io/someone/setup:1" comes from ghcr.io`}},
		})
	})

	t.Run("no allow-list is NOT_EVALUATED, saying how to give one", func(t *testing.T) {
		s := collected()
		podWithImage(s, "nginx")
		got := allowedRegistries(s, checks.Params{})
		if len(got) != 1 || got[0].Status != checks.NotEvaluated || !strings.Contains(got[0].Reason, "--allowed-registries") {
			t.Fatalf("got %+v, want one NOT_EVALUATED naming --allowed-registries", got)
		}
	})

	t.Run("the engine passes the selection's list", func(t *testing.T) {
		s := collected()
		podWithImage(s, "nginx")
		var c checks.Check
		for _, r := range checks.Registered() {
			if r.ID == "KP-WL-021" {
				c = r
			}
		}
		rep := checks.Run(s, []checks.Check{c}, checks.Selection{Params: allowList(t, "ghcr.io")})
		if st := rep.Controls[0].Status; st != checks.Fail {
			t.Errorf("with an allow-list: %s, want FAIL", st)
		}
		if st := checks.Run(s, []checks.Check{c}, checks.Selection{}).Controls[0].Status; st != checks.NotEvaluated {
			t.Errorf("without an allow-list: %s, want NOT_EVALUATED", st)
		}
	})
}

// allowList is the run's Params with list as the allow-list, parsed as the command line does.
func allowList(t testing.TB, list ...string) checks.Params {
	t.Helper()
	allowed, err := checks.ParseAllowedRegistries(list)
	if err != nil {
		t.Fatal(err)
	}
	return checks.Params{AllowedRegistries: allowed}
}
