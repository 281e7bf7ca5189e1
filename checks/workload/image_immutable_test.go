package workload

import (
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

const digest = "sha256:0000000000000000000000000000000000000000000000000000000000000001"

// podWithImage is a bare pod "p" in namespace "a" whose only container "app" runs image.
func podWithImage(s *snapshot.Snapshot, image string) {
	s.Pods = append(s.Pods, pod("a", "p", nil, with(func(s *corev1.PodSpec) { s.Containers[0].Image = image })))
}

func TestImageImmutable(t *testing.T) {
	p := res("Pod", "a", "p")
	one := func(image string, st checks.Status, observed ...string) func() (func(*snapshot.Snapshot), []want) {
		return func() (func(*snapshot.Snapshot), []want) {
			return func(s *snapshot.Snapshot) { podWithImage(s, image) }, []want{{res: p, status: st, observed: observed}}
		}
	}
	tests := []struct {
		name string
		// build returns the snapshot builder and the wanted results.
		build func() (func(*snapshot.Snapshot), []want)
	}{
		{"no tag fails, naming what is pulled", one("nginx", checks.Fail, `container "app" image "nginx" has no tag and no digest (pulls docker.io/library/nginx:latest)`)},
		{"latest fails", one("nginx:latest", checks.Fail, `uses the tag latest without a digest`)},
		{"docker.io/library form, latest", one("docker.io/library/nginx:latest", checks.Fail, "tag latest")},
		{"index.docker.io without tag is docker.io", one("index.docker.io/nginx", checks.Fail, "pulls docker.io/library/nginx:latest")},
		{"registry port is not a tag", one("localhost:5000/app", checks.Fail, "pulls localhost:5000/app:latest")},
		{"registry port and a tag", one("registry.example.com:5000/team/app:1.2", checks.Warn, `image "registry.example.com:5000/team/app:1.2" has a tag but no digest`)},
		{"version tag warns", one("nginx:1.27", checks.Warn, "has a tag but no digest")},
		{"digest only passes", one("nginx@"+digest, checks.Pass, "every image pinned by digest")},
		{"tag and digest pass (pulled by digest)", one("nginx:1.27@"+digest, checks.Pass)},
		{"latest and digest pass", one("ghcr.io/acme/app:latest@"+digest, checks.Pass)},
		{"port and digest pass", one("localhost:5000/app@"+digest, checks.Pass)},
		{"uppercase repository is invalid", one("Nginx:1", checks.Fail, "is not a valid image reference")},
		{"empty image is invalid", one("", checks.Fail, "is not a valid image reference")},
		{"init and ephemeral containers are in scope", func() (func(*snapshot.Snapshot), []want) {
			return func(s *snapshot.Snapshot) {
					s.Pods = append(s.Pods, pod("a", "p", nil, with(func(s *corev1.PodSpec) {
						s.Containers[0].Image = "app@" + digest
						s.InitContainers = []corev1.Container{{Name: "migrate", Image: "migrate:v3"}}
						s.EphemeralContainers = []corev1.EphemeralContainer{{EphemeralContainerCommon: corev1.EphemeralContainerCommon{Name: "debug", Image: "busybox"}}}
					})))
				}, []want{{res: p, status: checks.Fail, observed: []string{
					`initContainer "migrate" image "migrate:v3" has a tag but no digest`,
					`ephemeralContainer "debug" image "busybox" has no tag`}}}
		}},
		{"more containers than the joined cache holds: every one is listed", func() (func(*snapshot.Snapshot), []want) {
			return func(s *snapshot.Snapshot) {
					s.Pods = append(s.Pods, pod("a", "p", nil, with(func(s *corev1.PodSpec) {
						s.Containers = nil
						for _, n := range []string{"c1", "c2", "c3", "c4", "c5", "c6"} {
							s.Containers = append(s.Containers, corev1.Container{Name: n, Image: n + ":latest"})
						}
					})))
				}, []want{{res: p, status: checks.Fail, observed: []string{
					`container "c1" image "c1:latest" uses the tag latest without a digest; container "c2"`,
					`; container "c4" image "c4:latest" uses the tag latest without a digest; container "c5" image "c5:latest" uses the tag latest without a digest; container "c6"`}}}
		}},
		{"pods show the digest they run, and replicas that drifted apart", func() (func(*snapshot.Snapshot), []want) {
			tagged := with(func(s *corev1.PodSpec) { s.Containers[0].Image = "nginx:1.27" })
			runs := func(p *corev1.Pod, imageID string) {
				p.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "app", Image: "docker.io/library/nginx:1.27", ImageID: imageID}}
			}
			d2 := "sha256:0000000000000000000000000000000000000000000000000000000000000002"
			return func(s *snapshot.Snapshot) {
					addDeployment(s, "shop", "web", tagged, tagged, tagged, tagged, tagged)
					runs(&s.Pods[0], "docker.io/library/nginx@"+digest)
					runs(&s.Pods[1], "docker-pullable://docker.io/library/nginx@"+digest)
					runs(&s.Pods[2], "docker.io/library/nginx@"+d2)
					runs(&s.Pods[3], "sha256:1234") // a local image id: not a reference, not shown
				}, []want{{res: res("Deployment", "shop", "web"), status: checks.Warn, where: "spec.template.spec", observed: []string{
					`template and 1 of 4 pods (web-7d9f-d): container "app" image "nginx:1.27" has a tag but no digest | `,
					`2 of 4 pods (web-7d9f-a, web-7d9f-b): container "app" image "nginx:1.27" has a tag but no digest, runs docker.io/library/nginx@` + digest + " | ",
					`1 of 4 pods (web-7d9f-c): container "app" image "nginx:1.27" has a tag but no digest, runs docker.io/library/nginx@` + d2}}}
		}},
		{"an init container's digest comes from its own status", func() (func(*snapshot.Snapshot), []want) {
			return func(s *snapshot.Snapshot) {
				s.Pods = append(s.Pods, pod("a", "p", nil, with(func(s *corev1.PodSpec) {
					s.Containers[0].Image = "app@" + digest
					s.InitContainers = []corev1.Container{{Name: "app", Image: "migrate:latest"}}
				})))
				s.Pods[0].Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "app", ImageID: "docker.io/library/app@" + digest}}
				s.Pods[0].Status.InitContainerStatuses = []corev1.ContainerStatus{{Name: "app", ImageID: "docker.io/library/migrate@" + digest}}
			}, []want{{res: p, status: checks.Fail, observed: []string{`initContainer "app" image "migrate:latest" uses the tag latest without a digest, runs docker.io/library/migrate@`}}}
		}},
		{"warn only from an init container", func() (func(*snapshot.Snapshot), []want) {
			return func(s *snapshot.Snapshot) {
				s.Pods = append(s.Pods, pod("a", "p", nil, with(func(s *corev1.PodSpec) {
					s.Containers[0].Image = "app@" + digest
					s.InitContainers = []corev1.Container{{Name: "migrate", Image: "migrate:v3"}}
				})))
			}, []want{{res: p, status: checks.Warn, observed: []string{`initContainer "migrate"`}}}
		}},
		{"deployment: template pinned, a pod running latest (changed after) fails at the pods", func() (func(*snapshot.Snapshot), []want) {
			pinned := with(func(s *corev1.PodSpec) { s.Containers[0].Image = "app@" + digest })
			latest := with(func(s *corev1.PodSpec) { s.Containers[0].Image = "app:latest" })
			return func(s *snapshot.Snapshot) { addDeployment(s, "shop", "web", pinned, pinned, latest) },
				[]want{{res: res("Deployment", "shop", "web"), status: checks.Fail, where: "pod spec (the pods differ from spec.template.spec)",
					observed: []string{"1 of 2 pods (web-7d9f-b): ", "template and 1 of 2 pods: every image pinned by digest"}}}
		}},
		{"cronjob template with a tag warns once for its pods", func() (func(*snapshot.Snapshot), []want) {
			tagged := with(func(s *corev1.PodSpec) { s.Containers[0].Image = "backup:2" })
			return func(s *snapshot.Snapshot) { addCronJob(s, "ops", "backup", tagged, tagged, tagged) },
				[]want{{res: res("CronJob", "ops", "backup"), status: checks.Warn, where: "spec.jobTemplate.spec.template.spec",
					observed: []string{"template and 2 of 2 pods: container \"app\" image \"backup:2\" has a tag but no digest"}}}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := collected()
			build, wants := tt.build()
			build(s)
			expect(t, imageImmutable(s), wants)
		})
	}
}
