package workload

import (
	"fmt"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/internal/synth"
	"github.com/kubeposture/kubeposture/snapshot"
)

// secretBenchSnapshot is an internal/synth snapshot with a few more env values per container
// (one Deployment in ten with a literal password, template and pods) and one config map per
// Deployment of a realistic size: settings, a properties file, a CA bundle, and one in twenty
// with a private key.
func secretBenchSnapshot(pods int) *snapshot.Snapshot {
	s := synth.Snapshot(pods)
	extra := []corev1.EnvVar{{Name: "LOG_LEVEL", Value: "info"}, {Name: "DATABASE_URL", Value: "postgres://app@db:5432/app"},
		{Name: "FEATURE_FLAGS", Value: "search,checkout,recommendations"}, {Name: "JAVA_OPTS", Value: "-Xmx512m -XX:+UseG1GC"}}
	addEnv := func(spec *corev1.PodSpec, d int) {
		c := &spec.Containers[0]
		c.Env = append(append([]corev1.EnvVar(nil), c.Env...), extra...)
		if d%10 == 0 {
			c.Env = append(c.Env, corev1.EnvVar{Name: "DB_PASSWORD", Value: "hunter2!x"})
		}
	}
	for d := range s.Deployments {
		addEnv(&s.Deployments[d].Spec.Template.Spec, d)
		addEnv(&s.ReplicaSets[d].Spec.Template.Spec, d)
		for p := d * 5; p < (d+1)*5 && p < len(s.Pods); p++ {
			addEnv(&s.Pods[p].Spec, d)
		}
		data := map[string]string{
			"LOG_LEVEL": "info", "CACHE_TTL": "300", "UPSTREAM": "http://backend.default.svc:8080",
			"application.properties": "server.port=8080\nspring.datasource.url=jdbc:postgresql://db:5432/app\n" +
				"spring.datasource.username=app\nspring.datasource.password=${DB_PASSWORD}\nmanagement.endpoints=health,info\n",
			"ca.crt": "-----BEGIN CERTIFICATE-----\nMIIDBTCCAe2gAwIBAgIIZ3+SamplePayloadOfACertificateThatIsLongEnough\n-----END CERTIFICATE-----\n",
		}
		if d%20 == 0 {
			data["tls.key"] = fakePEM
		}
		dep := &s.Deployments[d]
		s.ConfigMaps = append(s.ConfigMaps, corev1.ConfigMap{
			ObjectMeta: metav1.ObjectMeta{Namespace: dep.Namespace, Name: dep.Name + "-config"}, Data: data})
	}
	s.Resources[snapshot.ResConfigMaps] = snapshot.Collection{State: snapshot.Collected, Count: len(s.ConfigMaps)}
	return s
}

// BenchmarkSecretValues runs the secret-value scans over 10,000 and 100,000 pods: env (with
// and without the judge's reuse of the previous spec's verdict) and config maps (one per
// Deployment). pods/s is per core.
//
//	go test ./checks/workload/ -run '^$' -bench BenchmarkSecretValues -benchmem
func BenchmarkSecretValues(b *testing.B) {
	for _, pods := range []int{10_000, 100_000} {
		s := secretBenchSnapshot(pods)
		deployments := len(s.Deployments)
		for _, bc := range []struct {
			name string
			fn   func(*snapshot.Snapshot) int
			want int
		}{
			{"env", func(s *snapshot.Snapshot) int { return len(envSecretValues(s)) }, deployments},
			{"env-noreuse", func(s *snapshot.Snapshot) int {
				j := &envSecretJudge{}
				return len(evaluateGraded(s, func(m *metav1.ObjectMeta, sp *corev1.PodSpec) (checks.Status, string) {
					j.last = nil
					return j.grade(m, sp)
				}, "ok", "expected"))
			}, deployments},
			{"configmaps", func(s *snapshot.Snapshot) int { return len(configMapSecrets(s)) }, (deployments + 19) / 20},
		} {
			b.Run(fmt.Sprintf("pods=%d/%s", pods, bc.name), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if n := bc.fn(s); n != bc.want {
						b.Fatalf("%d results, want %d", n, bc.want)
					}
				}
				b.ReportMetric(float64(pods)*float64(b.N)/b.Elapsed().Seconds(), "pods/s")
			})
		}
	}
}

// TestSecretBenchSnapshotFindings keeps the benchmark honest: its snapshot has the findings
// it is meant to have.
func TestSecretBenchSnapshotFindings(t *testing.T) {
	s := secretBenchSnapshot(1000)
	warn := 0
	for _, r := range envSecretValues(s) {
		if r.Status == "WARN" {
			warn++
		}
	}
	if want := len(s.Deployments) / 10; warn != want {
		t.Errorf("%d env WARNs, want %d", warn, want)
	}
	if got, want := len(configMapSecrets(s)), (len(s.Deployments)+19)/20; got != want {
		t.Errorf("%d config map results, want %d", got, want)
	}
}
