package workload

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/internal/synth"
	"github.com/kubeposture/kubeposture/snapshot"
)

// running gives every synth pod the container statuses a collected pod keeps (name, image,
// imageID: the digest it runs, one per image), which KP-WL-020 reads.
func running(s *snapshot.Snapshot) {
	for i := range s.Pods {
		p := &s.Pods[i]
		p.Status.ContainerStatuses = make([]corev1.ContainerStatus, len(p.Spec.Containers))
		for j, c := range p.Spec.Containers {
			sum := sha256.Sum256([]byte(c.Image))
			p.Status.ContainerStatuses[j] = corev1.ContainerStatus{Name: c.Name, Image: c.Image,
				ImageID: strings.SplitN(c.Image, ":", 2)[0] + "@sha256:" + hex.EncodeToString(sum[:])}
		}
	}
}

// BenchmarkImageAndResourceChecks runs KP-WL-020 to KP-WL-026 over internal/synth snapshots
// of 10,000 and 100,000 pods (one distinct image per Deployment plus a shared sidecar, every
// image tagged without a digest, so that KP-WL-020 builds a WARN for every pod, naming the
// digest each runs (statuses added here); pull policy IfNotPresent; no CPU limits, no
// read-only root filesystem, so that KP-WL-023 and KP-WL-024 fail every pod too). pods/s is per core (a check runs on one goroutine).
func BenchmarkImageAndResourceChecks(b *testing.B) {
	allow := allowList(b, "registry.example.com")
	for _, pods := range []int{10_000, 100_000} {
		s := synth.Snapshot(pods)
		running(s)
		for _, bc := range []struct {
			name string
			fn   func(*snapshot.Snapshot) []checks.Result
		}{
			{"image-immutable", imageImmutable},
			{"allowed-registries", func(s *snapshot.Snapshot) []checks.Result { return allowedRegistries(s, allow) }},
			{"pull-policy", pullPolicy},
			{"resources", resourcesSet},
			{"readonly-root", readOnlyRoot},
			{"host-path-runtime", hostPathRuntime},
			{"host-path-sensitive", hostPathSensitive},
		} {
			b.Run(fmt.Sprintf("pods=%d/%s", pods, bc.name), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if n := len(bc.fn(s)); n != len(s.Deployments) {
						b.Fatalf("%d results, want %d (one per Deployment)", n, len(s.Deployments))
					}
				}
				b.ReportMetric(float64(pods)*float64(b.N)/b.Elapsed().Seconds(), "pods/s")
			})
		}
	}
}
