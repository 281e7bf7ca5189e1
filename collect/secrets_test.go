package collect

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubeposture/kubeposture/checks"
	_ "github.com/kubeposture/kubeposture/checks/builtin"
	"github.com/kubeposture/kubeposture/snapshot"
)

// secretCanary is a secret's value as deployment tools copy it into a Secret's own metadata.
const secretCanary = "canary-0d9e-secret-value"

// toolMetadata is a Secret's metadata as kubectl, kapp, Argo CD and Helm leave it, with the
// service-account annotations and cleaner labels a check reads.
func toolMetadata() metav1.ObjectMeta {
	return metav1.ObjectMeta{
		Name: "db", Namespace: "shop", UID: "u1",
		Labels: map[string]string{
			"app.kubernetes.io/managed-by":             "Helm",
			"kapp.k14s.io/app":                         "1690000000000000000",
			"kapp.k14s.io/association":                 "v1.0123456789abcdef",
			"argocd.argoproj.io/instance":              "shop",
			"kubernetes.io/legacy-token-last-used":     "2026-10-01",
			"kubernetes.io/legacy-token-invalid-since": "2026-10-30",
		},
		Annotations: map[string]string{
			lastApplied: `{"apiVersion":"v1","kind":"Secret","stringData":{"password":"` + secretCanary + `"}}`,
			// kapp keeps the applied object, data included (carvel-dev/kapp#137).
			"kapp.k14s.io/original":           `{"apiVersion":"v1","data":{"password":"` + secretCanary + `"},"kind":"Secret"}`,
			"kapp.k14s.io/original-diff-md5":  "58e0494c51d30eb3494f7c9198986bb9",
			"kapp.k14s.io/identity":           "v1;shop//Secret/db;v1",
			"argocd.argoproj.io/tracking-id":  "shop:/Secret:shop/db",
			"argocd.argoproj.io/sync-options": "Prune=false",
			"meta.helm.sh/release-name":       "shop",
			"meta.helm.sh/release-namespace":  "shop",
			corev1.ServiceAccountNameKey:      "builder",
			corev1.ServiceAccountUIDKey:       "sa-uid",
		},
		OwnerReferences: []metav1.OwnerReference{{APIVersion: "v1", Kind: "ServiceAccount", Name: "builder", UID: "sa-uid"}},
		Finalizers:      []string{"example.com/" + secretCanary},
		ManagedFields:   []metav1.ManagedFieldsEntry{{Manager: "kapp"}},
	}
}

// checkSecretMeta asserts that s kept exactly the allowlisted metadata of toolMetadata.
func checkSecretMeta(t *testing.T, s snapshot.SecretMeta) {
	t.Helper()
	raw, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), secretCanary) {
		t.Fatalf("the secret's value survived: %s", raw)
	}
	wantAnn := map[string]string{corev1.ServiceAccountNameKey: "builder", corev1.ServiceAccountUIDKey: "sa-uid"}
	wantLab := map[string]string{"kubernetes.io/legacy-token-last-used": "2026-10-01", "kubernetes.io/legacy-token-invalid-since": "2026-10-30"}
	if !maps.Equal(s.Annotations, wantAnn) || !maps.Equal(s.Labels, wantLab) {
		t.Errorf("kept annotations %v and labels %v, want only %v and %v", s.Annotations, s.Labels, wantAnn, wantLab)
	}
	if s.Name != "db" || s.Namespace != "shop" || s.UID != "u1" || s.Type != corev1.SecretTypeServiceAccountToken ||
		len(s.OwnerReferences) != 1 || s.OwnerReferences[0].Name != "builder" {
		t.Errorf("lost what the checks read: %s", raw)
	}
	if len(s.Finalizers) != 0 || len(s.ManagedFields) != 0 {
		t.Errorf("kept finalizers or managed fields: %s", raw)
	}
}

// The server-side Table's metadata of a Secret keeps only the allowlist.
func TestSecretTableAllowlist(t *testing.T) {
	meta := toolMetadata()
	obj, err := json.Marshal(metav1.PartialObjectMetadata{TypeMeta: metav1.TypeMeta{Kind: "PartialObjectMetadata", APIVersion: "meta.k8s.io/v1"}, ObjectMeta: meta})
	if err != nil {
		t.Fatal(err)
	}
	table := `{"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":{},
"columnDefinitions":[{"name":"Name","type":"string"},{"name":"Type","type":"string"},{"name":"Data","type":"string"},{"name":"Age","type":"string"}],
"rows":[{"cells":["db","kubernetes.io/service-account-token",3,"5m"],"object":` + string(obj) + `}]}`
	got, _, err := parseSecretTable([]byte(table))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("%d rows", len(got))
	}
	checkSecretMeta(t, got[0])
}

// A Secret read from a manifest keeps only the allowlist, whatever tool annotated it.
func TestManifestSecretAllowlist(t *testing.T) {
	sec := corev1.Secret{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Secret"}, ObjectMeta: toolMetadata(),
		Type: corev1.SecretTypeServiceAccountToken, Data: map[string][]byte{"token": []byte(secretCanary)},
		StringData: map[string]string{"ca.crt": secretCanary}}
	doc, err := json.Marshal(sec)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "secret.json")
	if err := os.WriteFile(p, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	m, err := ReadManifests([]string{p})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Snapshot.Secrets) != 1 {
		t.Fatalf("%d secrets", len(m.Snapshot.Secrets))
	}
	checkSecretMeta(t, m.Snapshot.Secrets[0])
}

// The checks that read secrets give the same results on the allowlisted metadata as on all
// of it: the allowlist holds everything they read.
func TestSecretAllowlistKeepsWhatChecksRead(t *testing.T) {
	build := func(reduce bool) *snapshot.Snapshot {
		s := snapshot.New()
		for _, r := range []snapshot.Resource{snapshot.ResSecrets, snapshot.ResServiceAccounts, snapshot.ResNamespaces,
			snapshot.ResPods, snapshot.ResRoles, snapshot.ResClusterRoles, snapshot.ResRoleBindings, snapshot.ResClusterRoleBindings} {
			s.Resources[r] = snapshot.Collection{State: snapshot.Collected}
		}
		s.Namespaces = []corev1.Namespace{{ObjectMeta: metav1.ObjectMeta{Name: "shop"}}}
		s.ServiceAccounts = []corev1.ServiceAccount{{ObjectMeta: metav1.ObjectMeta{Name: "builder", Namespace: "shop"}}}
		for i, labels := range []map[string]string{nil, {"kubernetes.io/legacy-token-last-used": "2026-10-01"},
			{"kubernetes.io/legacy-token-invalid-since": "2026-10-30"}} {
			m := toolMetadata()
			m.Name = m.Name + string(rune('a'+i))
			m.Labels = labels
			if reduce {
				m = secretMeta(&m)
			}
			s.Secrets = append(s.Secrets, snapshot.SecretMeta{ObjectMeta: m, Type: corev1.SecretTypeServiceAccountToken})
		}
		return s
	}
	var readers []checks.Check
	for _, c := range checks.Registered() {
		if slices.Contains(c.Inputs, snapshot.ResSecrets) {
			readers = append(readers, c)
		}
	}
	if len(readers) == 0 {
		t.Fatal("no check reads secrets")
	}
	full, reduced := checks.Run(build(false), readers, checks.Selection{}), checks.Run(build(true), readers, checks.Selection{})
	for i := range full.Controls {
		a, b := full.Controls[i], reduced.Controls[i]
		if !reflect.DeepEqual(a.Results, b.Results) {
			t.Errorf("%s: results differ on the allowlisted metadata:\n all: %+v\n kept: %+v", a.ID, a.Results, b.Results)
		}
	}
}
