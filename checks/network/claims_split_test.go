package network

import (
	"testing"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

// TestPoliciesDefined holds KP-NET-017 to CIS 5.3.2: every namespace defined in the cluster
// has at least one NetworkPolicy, whatever it does, pods or none.
func TestPoliciesDefined(t *testing.T) {
	const allowWeb = `
metadata: {name: allow-web, namespace: shop}
spec: {podSelector: {matchLabels: {app: web}}, ingress: [{}]}`
	for _, tt := range []struct {
		name string
		add  func(s *snapshot.Snapshot)
		want map[string]wantResult
	}{
		{"policies or none", nil, map[string]wantResult{
			"Namespace/shop":  {checks.Pass, "1 defined: NetworkPolicy allow-web"},
			"Namespace/bank":  {checks.Fail, "no NetworkPolicy defined"},
			"Namespace/empty": {checks.Fail, "no NetworkPolicy defined"},
		}},
		{"a plugin's namespaced policy is one", func(s *snapshot.Snapshot) {
			s.CNIPolicies = []snapshot.CNIPolicy{{Resource: snapshot.ResCiliumNetworkPolicies, Kind: "CiliumNetworkPolicy", Namespace: "bank", Name: "l7"}}
		}, map[string]wantResult{
			"Namespace/shop":  {checks.Pass, "allow-web"},
			"Namespace/bank":  {checks.Pass, "CiliumNetworkPolicy l7"},
			"Namespace/empty": {checks.Fail, "no NetworkPolicy defined"},
		}},
		{"a cluster-wide one is not defined in the namespace", func(s *snapshot.Snapshot) {
			s.CNIPolicies = []snapshot.CNIPolicy{{Resource: snapshot.ResCalicoGlobalNetworkPolicies, Kind: "GlobalNetworkPolicy", Name: "deny"}}
		}, map[string]wantResult{
			"Namespace/shop":  {checks.Pass, "allow-web"},
			"Namespace/bank":  {checks.Fail, "cluster-wide plugin policies, not defined in the namespace: GlobalNetworkPolicy deny"},
			"Namespace/empty": {checks.Fail, "GlobalNetworkPolicy deny"},
		}},
		{"a plugin kind that could not be listed may hold one", func(s *snapshot.Snapshot) {
			s.Resources[snapshot.ResCiliumNetworkPolicies] = snapshot.Collection{State: snapshot.Forbidden}
		}, map[string]wantResult{
			"Namespace/shop":  {checks.Pass, "allow-web"},
			"Namespace/bank":  {checks.NotEvaluated, "forbidden"},
			"Namespace/empty": {checks.NotEvaluated, "forbidden"},
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newEstate(t, "shop", "bank", "empty").pod("shop/web-1", "app=web").pod("bank/api-1").policy(allowWeb)
			if tt.add != nil {
				tt.add(e.s)
			}
			expectAll(t, policiesDefined(e.s), tt.want)
		})
	}
}

// TestIsolatedBothWays holds KP-NET-018 to kubescape's C-0030: each pod isolated for ingress
// and for egress, by one policy or two.
func TestIsolatedBothWays(t *testing.T) {
	e := newEstate(t, "shop").
		workload("Deployment", "shop/web", 1, "app=web").
		pod("shop/web-1", "app=web", "owner=ReplicaSet/web-5d8f").
		pod("shop/db-1", "app=db").
		pod("shop/cache-1", "app=cache").
		pod("shop/agent-1", "app=agent", "hostNetwork").
		policy(`
metadata: {name: web-both, namespace: shop}
spec: {podSelector: {matchLabels: {app: web}}, policyTypes: [Ingress, Egress]}`).
		policy(`
metadata: {name: db-in, namespace: shop}
spec: {podSelector: {matchLabels: {app: db}}}`).
		policy(`
metadata: {name: cache-in, namespace: shop}
spec: {podSelector: {matchLabels: {app: cache}}, policyTypes: [Ingress]}`).
		policy(`
metadata: {name: cache-out, namespace: shop}
spec: {podSelector: {matchLabels: {app: cache}}, policyTypes: [Egress]}`)
	expectAll(t, isolatedBothWays(e.s), map[string]wantResult{
		"Deployment/shop/web": {checks.Pass, "template and 1 of 1 pod isolated for ingress and egress"},
		"Pod/shop/db-1":       {checks.Fail, "pod db-1 is not isolated for egress"},
		"Pod/shop/cache-1":    {checks.Pass, "isolated for ingress and egress"},
		"Pod/shop/agent-1":    {checks.Fail, "hostNetwork"},
	})
}
