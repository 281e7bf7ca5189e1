package workload

import (
	"fmt"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/pod-security-admission/api"

	"github.com/kubeposture/kubeposture/internal/synth"
	"github.com/kubeposture/kubeposture/snapshot"
)

// benchSnapshot builds a cluster of 10,000 pods: 200 namespaces × 10 Deployments × 5 pods,
// each pod owned by its Deployment's ReplicaSet. One Deployment in ten runs without
// allowPrivilegeEscalation=false (fails restricted), one in twenty is privileged (fails
// baseline), one in four reads a secret from env, so that failure evidence is built too.
func benchSnapshot() *snapshot.Snapshot {
	const namespaces, deployments, replicas = 200, 10, 5
	s := collected()
	for n := 0; n < namespaces; n++ {
		ns := fmt.Sprintf("team-%03d", n)
		for d := 0; d < deployments; d++ {
			k := n*deployments + d
			spec := with(func(s *corev1.PodSpec) {
				s.Containers = append(s.Containers, corev1.Container{Name: "sidecar", Image: "proxy:1", SecurityContext: restrictedSC()})
				s.Containers[0].Env = []corev1.EnvVar{{Name: "MODE", Value: "prod"}}
				if k%10 == 0 {
					s.Containers[0].SecurityContext.AllowPrivilegeEscalation = nil
				}
				if k%20 == 0 {
					s.Containers[1].SecurityContext.Privileged = ptr(true)
				}
				if k%4 == 0 {
					s.Containers[0].Env = append(s.Containers[0].Env, corev1.EnvVar{Name: "PASSWORD", ValueFrom: &corev1.EnvVarSource{
						SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "db"}, Key: "pw"}}})
				}
			})
			pods := make([]corev1.PodSpec, replicas)
			for i := range pods {
				pods[i] = spec
			}
			addDeployment(s, ns, fmt.Sprintf("app-%d", d), spec, pods...)
		}
	}
	return s
}

func BenchmarkPSS(b *testing.B) {
	s := benchSnapshot()
	if len(s.Pods) != 10000 {
		b.Fatalf("%d pods, want 10000", len(s.Pods))
	}
	for _, bc := range []struct {
		name string
		fn   func(*snapshot.Snapshot) int
	}{
		{"baseline", func(s *snapshot.Snapshot) int { return len(pssBaseline(s)) }},
		{"restricted", func(s *snapshot.Snapshot) int { return len(pssRestricted(s)) }},
		{"secrets-env", func(s *snapshot.Snapshot) int { return len(secretsEnv(s)) }},
		{"index", func(s *snapshot.Snapshot) int { return len(units(s)) }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if n := bc.fn(s); n != 2000 {
					b.Fatalf("%d results, want 2000 (one per Deployment)", n)
				}
			}
		})
	}
}

// BenchmarkPSSScale runs the workload checks over internal/synth snapshots of 10,000 and
// 100,000 pods (realistic pods, with a service-account volume named per pod), with and
// without the per-spec cache; pods/s is per core (the checks run on one goroutine).
func BenchmarkPSSScale(b *testing.B) {
	uncached := func(level api.Level) func(*snapshot.Snapshot) int {
		return func(s *snapshot.Snapshot) int {
			c := newPSSCache(api.LevelVersion{Level: level, Version: api.LatestVersion()})
			return len(evaluateUnits(s, c.evaluate, "allowed", pssExpected(level)))
		}
	}
	for _, pods := range []int{10_000, 100_000} {
		s := synth.Snapshot(pods)
		for _, bc := range []struct {
			name string
			fn   func(*snapshot.Snapshot) int
		}{
			{"baseline", func(s *snapshot.Snapshot) int { return len(pssBaseline(s)) }},
			{"baseline-uncached", uncached(api.LevelBaseline)},
			{"restricted", func(s *snapshot.Snapshot) int { return len(pssRestricted(s)) }},
			{"restricted-uncached", uncached(api.LevelRestricted)},
			{"secrets-env", func(s *snapshot.Snapshot) int { return len(secretsEnv(s)) }},
			{"index", func(s *snapshot.Snapshot) int { return len(units(s)) }},
		} {
			b.Run(fmt.Sprintf("pods=%d/%s", pods, bc.name), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if n := bc.fn(s); n != len(s.Deployments) {
						b.Fatalf("%d results, want %d (one per Deployment)", n, len(s.Deployments))
					}
				}
				b.ReportMetric(float64(pods)*float64(b.N)/b.Elapsed().Seconds(), "pods/s")
			})
		}
	}
}

// BenchmarkPodRules is what the controls that judge pod specs field by field cost in a run, the
// Pod Security levels and every rule of podRules, over one shared evaluation of the distinct
// specs (podSpecs), built afresh for each run as the engine does.
func BenchmarkPodRules(b *testing.B) {
	for _, pods := range []int{10_000, 100_000} {
		s := synth.Snapshot(pods)
		for _, bc := range []struct {
			name  string
			rules bool
		}{{"levels", false}, {"levels+rules", true}} {
			b.Run(fmt.Sprintf("pods=%d/%s", pods, bc.name), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					done := s.ShareDerived()
					pssBaseline(s)
					pssRestricted(s)
					if bc.rules {
						for i := range podRules {
							podRules[i].check(i).Evaluate(s)
						}
					}
					done()
				}
				b.ReportMetric(float64(pods)*float64(b.N)/b.Elapsed().Seconds(), "pods/s")
			})
		}
	}
}
