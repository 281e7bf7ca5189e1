package deploy_test

import (
	"maps"
	"slices"
	"strings"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

// TestClusterRoleGrantsTheCollectedKinds: the scanner's ClusterRole, in every kustomization,
// grants exactly what the collector reads, under the permission a report names when it is
// missing (checks.Permission). Exactly means:
//   - every kind of snapshot.CollectedKinds but secrets, and the custom kinds (the network
//     plugins' policies and the add-ons', snapshot.CustomResources), and no other resource;
//   - secrets only in with-secret-metadata, and nodes/proxy (the kubelets' configz) only in
//     with-node-proxy: the base leaves both out on purpose (clusterrole.yaml says why);
//   - of non-resource URLs, /metrics alone.
//
// The verbs are the permission's and no other: list for a kind (the collector reads whole
// lists: collect/derive.go's GET of kube-system is a fallback for when list is forbidden),
// get for nodes/proxy and /metrics. TestKustomizations keeps every verb to get and list, and
// TestLeastPrivilege shows on a real API server that these suffice.
func TestClusterRoleGrantsTheCollectedKinds(t *testing.T) {
	base := map[snapshot.Resource]bool{snapshot.ResAPIServerMetrics: true}
	for _, k := range snapshot.CollectedKinds {
		if k.Resource != snapshot.ResSecrets {
			base[k.Resource] = true
		}
	}
	for _, r := range snapshot.CustomResources() {
		base[r] = true
	}
	optIn := map[string]snapshot.Resource{
		"overlays/with-node-proxy":      snapshot.ResKubeletConfigs,
		"overlays/with-secret-metadata": snapshot.ResSecrets,
	}
	for _, dir := range kustomizations {
		t.Run(dir, func(t *testing.T) {
			_, m := render(t, dir)
			role, _ := scanner(t, m.Snapshot)
			want := maps.Clone(base)
			if r, ok := optIn[dir]; ok {
				want[r] = true
			}
			got := grantedVerbs(role)
			for r := range want {
				verb, target, _ := strings.Cut(checks.Permission(r), " ")
				if !slices.Contains(got[target], verb) {
					t.Errorf("the role does not grant %q, which the collector needs for %s", checks.Permission(r), r)
				}
				for _, v := range got[target] {
					if v != verb {
						t.Errorf("the role grants %s on %s, where the collector only does %q", v, target, checks.Permission(r))
					}
				}
				delete(got, target)
			}
			for target, verbs := range got {
				t.Errorf("the role grants %v on %s, which the collector does not read", verbs, target)
			}
		})
	}
}

// grantedVerbs maps what a role's rules grant, named as checks.Permission names it
// ("deployments.apps", "pods", "nodes/proxy", "/metrics"), to the verbs granted.
func grantedVerbs(role *rbacv1.ClusterRole) map[string][]string {
	out := map[string][]string{}
	for _, rule := range role.Rules {
		for _, g := range rule.APIGroups {
			for _, res := range rule.Resources {
				name := res
				if g != "" {
					name += "." + g
				}
				out[name] = append(out[name], rule.Verbs...)
			}
		}
		for _, u := range rule.NonResourceURLs {
			out[u] = append(out[u], rule.Verbs...)
		}
	}
	return out
}
