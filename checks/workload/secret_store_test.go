package workload

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func secretVolume(names ...string) func(*corev1.PodSpec) {
	return func(s *corev1.PodSpec) {
		for _, n := range names {
			s.Volumes = append(s.Volumes, corev1.Volume{Name: n, VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: n}}})
		}
	}
}

func TestSecretStores(t *testing.T) {
	s := collected()
	s.Resources[snapshot.ResSecrets] = snapshot.Collection{State: snapshot.Collected}
	s.ExternalSecrets = []snapshot.ExternalSecret{{Namespace: "app", Name: "db", Target: "db-credentials", StoreKind: "ClusterSecretStore", StoreName: "vault"}}
	s.SecretProviderClasses = []snapshot.SecretProviderClass{{Namespace: "app", Name: "aws", Provider: "aws", SecretObjects: []string{"api-key"}}}
	s.Secrets = []snapshot.SecretMeta{
		{ObjectMeta: metav1.ObjectMeta{Namespace: "app", Name: "labelled", Labels: map[string]string{"reconcile.external-secrets.io/created-by": "x"}}},
		{ObjectMeta: metav1.ObjectMeta{Namespace: "app", Name: "vso", OwnerReferences: []metav1.OwnerReference{{Kind: "VaultStaticSecret", Name: "vso"}}}},
		{ObjectMeta: metav1.ObjectMeta{Namespace: "app", Name: "by-hand"}},
	}
	envFrom := func(name string) func(*corev1.PodSpec) {
		return func(s *corev1.PodSpec) {
			s.Containers[0].EnvFrom = []corev1.EnvFromSource{{SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: name}}}}
		}
	}
	projected := func(s *corev1.PodSpec) {
		s.Volumes = append(s.Volumes, corev1.Volume{Name: "p", VolumeSource: corev1.VolumeSource{Projected: &corev1.ProjectedVolumeSource{
			Sources: []corev1.VolumeProjection{{Secret: &corev1.SecretProjection{LocalObjectReference: corev1.LocalObjectReference{Name: "by-hand"}}}}}}})
	}
	addDeployment(s, "app", "stored", with(secretVolume("db-credentials", "api-key", "labelled", "vso")), with(secretVolume("db-credentials", "api-key", "labelled", "vso")))
	addDeployment(s, "app", "plain", with(envFrom("by-hand")))
	addDeployment(s, "app", "projected", with(projected))
	addDeployment(s, "app", "none", restrictedSpec())
	// The same Secret name in another namespace is not the managed one.
	addDeployment(s, "other", "elsewhere", with(secretVolume("db-credentials")))
	expect(t, secretStores(s), []want{
		{res: res("Deployment", "app", "stored"), status: checks.Pass},
		{res: res("Deployment", "app", "plain"), status: checks.Fail, observed: []string{"Secrets no store manages: by-hand"}},
		{res: res("Deployment", "app", "projected"), status: checks.Fail, observed: []string{"by-hand"}},
		{res: res("Deployment", "app", "none"), status: checks.Pass},
		{res: res("Deployment", "other", "elsewhere"), status: checks.Fail, observed: []string{"db-credentials"}},
	})

	// Without secrets' metadata, the labels and owners are not seen.
	s.Resources[snapshot.ResSecrets] = snapshot.Collection{State: snapshot.Forbidden}
	r := secretStores(s)[0]
	if r.Status != checks.Fail || r.Evidence.Observed == "" {
		t.Errorf("without secrets' metadata, stored = %s %q, want FAIL naming labelled and vso", r.Status, r.Evidence.Observed)
	}
}

func TestClusterSecretStores(t *testing.T) {
	s := collected()
	s.SecretStores = []snapshot.SecretStore{
		{Kind: "ClusterSecretStore", Name: "open", Provider: "vault"},
		{Kind: "ClusterSecretStore", Name: "limited", Provider: "aws", Conditions: []snapshot.StoreCondition{{Namespaces: []string{"payments"}}}},
		{Kind: "ClusterSecretStore", Name: "everything", Provider: "gcpsm", Conditions: []snapshot.StoreCondition{{NamespaceRegexes: []string{".*"}}}},
		{Kind: "ClusterSecretStore", Name: "selector", Provider: "vault", Conditions: []snapshot.StoreCondition{{NamespaceSelector: "team=payments"}}},
		{Kind: "SecretStore", Namespace: "app", Name: "local", Provider: "vault"},
	}
	s.ExternalSecrets = []snapshot.ExternalSecret{
		{Namespace: "app", Name: "db", Target: "db", StoreKind: "ClusterSecretStore", StoreName: "open"},
		{Namespace: "app", Name: "other", Target: "other", StoreKind: "SecretStore", StoreName: "open"},
	}
	expect(t, clusterSecretStores(s), []want{
		{res: res("ClusterSecretStore", "", "open"), status: checks.Fail, observed: []string{"every namespace", "synced from it: app/db"}},
		{res: res("ClusterSecretStore", "", "limited"), status: checks.Pass, observed: []string{"namespaces payments"}},
		{res: res("ClusterSecretStore", "", "everything"), status: checks.Fail, observed: []string{"every namespace"}},
		{res: res("ClusterSecretStore", "", "selector"), status: checks.Pass, observed: []string{"namespaceSelector team=payments"}},
	})
}
