package workload

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func TestSecretsEnv(t *testing.T) {
	secretEnv := func(name, secret, key string) corev1.EnvVar {
		return corev1.EnvVar{Name: name, ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
			LocalObjectReference: corev1.LocalObjectReference{Name: secret}, Key: key}}}
	}
	tests := []struct {
		name  string
		build func(s *snapshot.Snapshot)
		want  []want
	}{
		{
			name: "plain env, configmap refs and secret volumes pass",
			build: func(s *snapshot.Snapshot) {
				s.Pods = append(s.Pods, pod("a", "p", nil, with(func(s *corev1.PodSpec) {
					s.Containers[0].Env = []corev1.EnvVar{{Name: "MODE", Value: "prod"},
						{Name: "CFG", ValueFrom: &corev1.EnvVarSource{ConfigMapKeyRef: &corev1.ConfigMapKeySelector{Key: "k"}}}}
					s.Containers[0].EnvFrom = []corev1.EnvFromSource{{ConfigMapRef: &corev1.ConfigMapEnvSource{}}}
					s.Volumes = []corev1.Volume{{Name: "creds", VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: "db"}}}}
				})))
			},
			want: []want{{res: res("Pod", "a", "p"), status: checks.Pass}},
		},
		{
			name: "secretKeyRef fails, naming container, variable, secret and key",
			build: func(s *snapshot.Snapshot) {
				s.Pods = append(s.Pods, pod("a", "p", nil, with(func(s *corev1.PodSpec) {
					s.Containers[0].Env = []corev1.EnvVar{{Name: "MODE", Value: "prod"}, secretEnv("DB_PASSWORD", "db", "password")}
				})))
			},
			want: []want{{res: res("Pod", "a", "p"), status: checks.Fail, where: "spec",
				observed: []string{`container "app" env DB_PASSWORD from secret "db" key "password"`}}},
		},
		{
			name: "envFrom secretRef fails",
			build: func(s *snapshot.Snapshot) {
				s.Pods = append(s.Pods, pod("a", "p", nil, with(func(s *corev1.PodSpec) {
					s.Containers[0].EnvFrom = []corev1.EnvFromSource{{SecretRef: &corev1.SecretEnvSource{
						LocalObjectReference: corev1.LocalObjectReference{Name: "api-keys"}}}}
				})))
			},
			want: []want{{res: res("Pod", "a", "p"), status: checks.Fail, observed: []string{`container "app" envFrom secret "api-keys"`}}},
		},
		{
			name: "init and ephemeral containers are in scope",
			build: func(s *snapshot.Snapshot) {
				s.Pods = append(s.Pods, pod("a", "p", nil, with(func(s *corev1.PodSpec) {
					s.InitContainers = []corev1.Container{{Name: "migrate", Env: []corev1.EnvVar{secretEnv("URL", "db", "url")}}}
					s.EphemeralContainers = []corev1.EphemeralContainer{{EphemeralContainerCommon: corev1.EphemeralContainerCommon{
						Name: "debug", Env: []corev1.EnvVar{secretEnv("TOKEN", "t", "token")}}}}
				})))
			},
			want: []want{{res: res("Pod", "a", "p"), status: checks.Fail, observed: []string{
				`initContainer "migrate" env URL from secret "db" key "url"; ephemeralContainer "debug" env TOKEN from secret "t" key "token"`}}},
		},
		{
			name: "deployment template with a secret env fails once",
			build: func(s *snapshot.Snapshot) {
				spec := with(func(s *corev1.PodSpec) { s.Containers[0].Env = []corev1.EnvVar{secretEnv("K", "s", "k")} })
				addDeployment(s, "shop", "web", spec, spec, spec)
				addDeployment(s, "shop", "clean", restrictedSpec(), restrictedSpec())
			},
			want: []want{
				{res: res("Deployment", "shop", "web"), status: checks.Fail, observed: []string{"template and 2 of 2 pods: container"}},
				{res: res("Deployment", "shop", "clean"), status: checks.Pass},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := collected()
			tt.build(s)
			got := secretsEnv(s)
			expect(t, got, tt.want)
			for _, r := range got {
				// The literal value of a plain env var must never reach the evidence.
				if strings.Contains(r.Evidence.Observed, "prod") {
					t.Errorf("evidence leaks an env value: %q", r.Evidence.Observed)
				}
			}
		})
	}
}
