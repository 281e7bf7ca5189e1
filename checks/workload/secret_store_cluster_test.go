package workload

import (
	"context"
	"slices"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/collect"
	"github.com/kubeposture/kubeposture/internal/crds"
	"github.com/kubeposture/kubeposture/snapshot"
)

// storeEstate: a ClusterSecretStore open to every namespace and one limited by conditions, an
// ExternalSecret writing db-credentials, a Deployment consuming it and one consuming a Secret
// written by hand. No Secret is created: the controls read names, never values.
const storeEstate = `
apiVersion: v1
kind: Namespace
metadata: {name: stores}
---
apiVersion: external-secrets.io/v1
kind: ClusterSecretStore
metadata: {name: vault-open}
spec:
  provider:
    vault:
      server: https://vault.example:8200
      path: secret
      version: v2
      auth: {tokenSecretRef: {name: vault-token, key: token, namespace: stores}}
---
apiVersion: external-secrets.io/v1
kind: ClusterSecretStore
metadata: {name: vault-limited}
spec:
  conditions: [{namespaces: [stores]}]
  provider:
    vault:
      server: https://vault.example:8200
      path: secret
      version: v2
      auth: {tokenSecretRef: {name: vault-token, key: token, namespace: stores}}
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: db, namespace: stores}
spec:
  refreshInterval: 1h
  secretStoreRef: {kind: ClusterSecretStore, name: vault-open}
  target: {name: db-credentials}
  data: [{secretKey: password, remoteRef: {key: db, property: password}}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: stored, namespace: stores}
spec:
  selector: {matchLabels: {app: stored}}
  template:
    metadata: {labels: {app: stored}}
    spec:
      containers: [{name: app, image: registry.example/app:1, volumeMounts: [{name: db, mountPath: /db, readOnly: true}]}]
      volumes: [{name: db, secret: {secretName: db-credentials}}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: by-hand, namespace: stores}
spec:
  selector: {matchLabels: {app: by-hand}}
  template:
    metadata: {labels: {app: by-hand}}
    spec:
      containers:
      - name: app
        image: registry.example/app:1
        env: [{name: TOKEN, valueFrom: {secretKeyRef: {name: api-token, key: token}}}]
`

// storeBlind may list the workloads but not the External Secrets Operator's kinds.
const storeBlind = `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: store-blind}
rules:
- {apiGroups: [""], resources: [pods, namespaces], verbs: [get, list]}
- {apiGroups: [apps], resources: [deployments, statefulsets, daemonsets, replicasets], verbs: [get, list]}
- {apiGroups: [batch], resources: [jobs, cronjobs], verbs: [get, list]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: store-blind}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: store-blind}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: store-blind}]
`

// TestSecretStoresOnAPIServer: KP-WL-044 and KP-WL-045 through the real collector, with the
// External Secrets Operator's own CRDs (github.com/external-secrets/external-secrets v0.16.2,
// config/crds/bases) installed from the module cache; and NOT_EVALUATED for a user who may not
// list them.
func TestSecretStoresOnAPIServer(t *testing.T) {
	ctx := context.Background()
	c := testCluster(t)
	ids := []string{"KP-WL-044", "KP-WL-045"}
	keep := func(rep *checks.Report) map[string]checks.Status {
		out := map[string]checks.Status{}
		for _, ctl := range rep.Controls {
			if !slices.Contains(ids, ctl.ID) {
				continue
			}
			for _, r := range ctl.Results {
				if r.Resource.Namespace == "stores" || r.Resource.Kind == "ClusterSecretStore" || r.Resource.Kind == "Cluster" {
					out[ctl.ID+" "+r.Resource.String()] = r.Status
				}
			}
		}
		return out
	}
	scan := func(t *testing.T, snap *snapshot.Snapshot) map[string]checks.Status {
		return keep(checks.Run(snap, checks.Registered(), checks.Selection{}))
	}
	diff := func(t *testing.T, got, want map[string]checks.Status) {
		t.Helper()
		for k, w := range want {
			if got[k] != w {
				t.Errorf("%s: %q, want %q", k, got[k], w)
			}
		}
		for k, g := range got {
			if _, ok := want[k]; !ok {
				t.Errorf("%s: %q, not expected", k, g)
			}
		}
	}

	if err := crds.Install(ctx, c.Admin, crds.ExternalSecrets); err != nil {
		t.Fatal(err)
	}
	if err := crds.Apply(ctx, c.Admin, storeEstate); err != nil {
		t.Fatal(err)
	}
	snap, err := collect.Collect(ctx, c.Admin, collect.Options{SkipKubelet: true})
	if err != nil {
		t.Fatal(err)
	}
	if col := snap.Resources[snapshot.ResSecretProviderClasses]; col.State != snapshot.Collected || col.Count != 0 {
		t.Errorf("resources[%s] = %+v, want collected and none (no CRD)", snapshot.ResSecretProviderClasses, col)
	}
	diff(t, scan(t, snap), map[string]checks.Status{
		"KP-WL-044 Deployment/stores/stored":         checks.Pass,
		"KP-WL-044 Deployment/stores/by-hand":        checks.Fail,
		"KP-WL-045 ClusterSecretStore/vault-open":    checks.Fail,
		"KP-WL-045 ClusterSecretStore/vault-limited": checks.Pass,
	})

	if err := crds.Apply(ctx, c.Admin, storeBlind); err != nil {
		t.Fatal(err)
	}
	cfg, err := c.UserConfig("store-blind")
	if err != nil {
		t.Fatal(err)
	}
	cs := kubernetes.NewForConfigOrDie(cfg)
	for i := 0; ; i++ {
		if _, err := cs.CoreV1().Pods("").List(ctx, metav1.ListOptions{Limit: 1}); err == nil {
			break
		} else if i == 100 {
			t.Fatalf("store-blind cannot list pods: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	blind, err := collect.Collect(ctx, cfg, collect.Options{SkipKubelet: true})
	if err != nil {
		t.Fatal(err)
	}
	if col := blind.Resources[snapshot.ResExternalSecrets]; col.State != snapshot.Forbidden {
		t.Errorf("as store-blind, resources[%s] = %+v, want forbidden", snapshot.ResExternalSecrets, col)
	}
	diff(t, scan(t, blind), map[string]checks.Status{
		"KP-WL-044 Cluster": checks.NotEvaluated,
		"KP-WL-045 Cluster": checks.NotEvaluated,
	})
}
