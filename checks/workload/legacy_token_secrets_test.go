package workload

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func TestLegacyTokenSecrets(t *testing.T) {
	secret := func(name string, typ corev1.SecretType, labels map[string]string, sa string) snapshot.SecretMeta {
		m := snapshot.SecretMeta{ObjectMeta: metav1.ObjectMeta{Namespace: "ci", Name: name, Labels: labels}, Type: typ}
		if sa != "" {
			m.Annotations = map[string]string{corev1.ServiceAccountNameKey: sa}
		}
		return m
	}
	tests := []struct {
		name    string
		secrets []snapshot.SecretMeta
		want    []want
	}{
		{
			name: "other secret types pass",
			secrets: []snapshot.SecretMeta{secret("tls", corev1.SecretTypeTLS, nil, ""), secret("db", corev1.SecretTypeOpaque, nil, ""),
				secret("reg", corev1.SecretTypeDockerConfigJson, nil, "")},
			want: []want{{res: res("Cluster", "", ""), status: checks.Pass, where: "3 secrets (type and metadata)"}},
		},
		{
			name:    "a token never used fails, naming its service account",
			secrets: []snapshot.SecretMeta{secret("deployer-token", corev1.SecretTypeServiceAccountToken, nil, "deployer")},
			want: []want{{res: res("Secret", "ci", "deployer-token"), status: checks.Fail, observed: []string{
				"token of ServiceAccount ci/deployer", "no use recorded (label kubernetes.io/legacy-token-last-used absent)"}}},
		},
		{
			name: "a token in use fails with its last use",
			secrets: []snapshot.SecretMeta{secret("deployer-token", corev1.SecretTypeServiceAccountToken,
				map[string]string{legacyTokenLastUsed: "2026-11-20"}, "deployer")},
			want: []want{{res: res("Secret", "ci", "deployer-token"), status: checks.Fail, observed: []string{"last used 2026-11-20"}}},
		},
		{
			name: "a token invalidated by the cleaner is a WARN",
			secrets: []snapshot.SecretMeta{secret("old-token", corev1.SecretTypeServiceAccountToken,
				map[string]string{legacyTokenInvalidSince: "2026-01-02", legacyTokenLastUsed: "2025-01-01"}, "old")},
			want: []want{{res: res("Secret", "ci", "old-token"), status: checks.Warn, observed: []string{
				"invalidated by the cleaner since 2026-01-02", "last used 2025-01-01"}}},
		},
		{
			name:    "no service-account annotation",
			secrets: []snapshot.SecretMeta{secret("odd", corev1.SecretTypeServiceAccountToken, nil, "")},
			want: []want{{res: res("Secret", "ci", "odd"), status: checks.Fail, observed: []string{
				"annotation kubernetes.io/service-account.name unset"}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := snapshot.New()
			s.Secrets = tt.secrets
			expect(t, legacyTokenSecrets(s), tt.want)
		})
	}
}

// TestSecretInputsGating goes through the engine: without the secrets (the base deployment
// does not grant list secrets) or the config maps, the controls are NOT_EVALUATED, never PASS.
func TestSecretInputsGating(t *testing.T) {
	for _, tt := range []struct {
		name string
		id   string
		col  *snapshot.Collection // nil: never attempted
		res  snapshot.Resource
		want checks.Status
	}{
		{"secrets collected, none", "KP-WL-041", &snapshot.Collection{State: snapshot.Collected}, snapshot.ResSecrets, checks.Pass},
		{"secrets forbidden", "KP-WL-041", &snapshot.Collection{State: snapshot.Forbidden, Message: "RBAC"}, snapshot.ResSecrets, checks.NotEvaluated},
		{"secrets not collected", "KP-WL-041", nil, snapshot.ResSecrets, checks.NotEvaluated},
		{"config maps collected, none", "KP-WL-042", &snapshot.Collection{State: snapshot.Collected}, snapshot.ResConfigMaps, checks.Pass},
		{"config maps forbidden", "KP-WL-042", &snapshot.Collection{State: snapshot.Forbidden}, snapshot.ResConfigMaps, checks.NotEvaluated},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := collected()
			if tt.col != nil {
				s.Resources[tt.res] = *tt.col
			}
			sel := checks.Selection{Controls: []string{tt.id}}
			selected, err := sel.Select(checks.Registered())
			if err != nil {
				t.Fatal(err)
			}
			rep := checks.Run(s, selected, sel)
			if len(rep.Controls) != 1 || rep.Controls[0].Status != tt.want {
				t.Fatalf("got %+v, want one control %s", rep.Controls, tt.want)
			}
		})
	}
}
