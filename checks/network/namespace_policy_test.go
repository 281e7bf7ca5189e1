package network

import (
	"testing"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/internal/netpol"
	"github.com/kubeposture/kubeposture/snapshot"
)

// TestDefaultDeny covers KP-NET-001 (ingress) and KP-NET-004 (egress): the same rule, one
// direction each.
func TestDefaultDeny(t *testing.T) {
	const (
		denyIngress = `
metadata: {name: deny-in, namespace: shop}
spec: {podSelector: {}, policyTypes: [Ingress]}`
		denyBoth = `
metadata: {name: deny-all, namespace: shop}
spec: {podSelector: {}, policyTypes: [Ingress, Egress]}`
		defaulted = `
metadata: {name: defaulted, namespace: shop}
spec: {podSelector: {}}`
		defaultedEgress = `
metadata: {name: defaulted, namespace: shop}
spec:
	podSelector: {}
	egress: [{to: [{namespaceSelector: {}}]}]`
		someEgress = `
metadata: {name: web-only, namespace: shop}
spec: {podSelector: {matchLabels: {app: web}}, policyTypes: [Ingress, Egress]}`
	)
	tests := []struct {
		name            string
		policies        []string
		ingress, egress wantResult
	}{
		{"no policy fails both", nil,
			wantResult{checks.Fail, "no NetworkPolicy governs ingress; 2 pods"},
			wantResult{checks.Fail, "no NetworkPolicy governs egress; 2 pods"}},
		{"ingress default deny only", []string{denyIngress},
			wantResult{checks.Pass, "NetworkPolicy deny-in isolates every pod for ingress; 2 pods"},
			wantResult{checks.Fail, "no NetworkPolicy governs egress"}},
		{"both", []string{denyBoth},
			wantResult{checks.Pass, "deny-all"}, wantResult{checks.Pass, "deny-all isolates every pod for egress"}},
		{"policyTypes omitted without egress rules: ingress only", []string{defaulted},
			wantResult{checks.Pass, "defaulted"}, wantResult{checks.Fail, "no NetworkPolicy governs egress"}},
		{"policyTypes omitted with egress rules: both", []string{defaultedEgress},
			wantResult{checks.Pass, "defaulted"}, wantResult{checks.Pass, "defaulted"}},
		{"a policy selecting some pods is no default deny", []string{someEgress},
			wantResult{checks.Fail, "no default deny for ingress: 1 NetworkPolicy governs ingress for selected pods only"},
			wantResult{checks.Fail, "for selected pods only"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEstate(t, "shop", "empty").pod("shop/web-1", "app=web").pod("shop/db-1", "app=db").pod("unlisted/x")
			for _, p := range tt.policies {
				e.policy(p)
			}
			for d, want := range map[netpol.Direction]wantResult{netpol.Ingress: tt.ingress, netpol.Egress: tt.egress} {
				expectAll(t, defaultDeny(e.s, d), map[string]wantResult{
					"Namespace/shop":  want,
					"Namespace/empty": {checks.NotApplicable, "0 pods"},
					// A pod whose namespace object was not seen is still judged.
					"Namespace/unlisted": {checks.Fail, "1 pod"},
				})
			}
		})
	}
}

// TestDefaultDenyCNI: plugin policies make the verdict NOT_EVALUATED in their namespace (or
// everywhere, for cluster-wide kinds and kinds that could not be listed), never FAIL.
func TestDefaultDenyCNI(t *testing.T) {
	for _, tt := range []struct {
		name string
		add  func(s *snapshot.Snapshot)
		shop checks.Status
		bank checks.Status
	}{
		{"namespaced", func(s *snapshot.Snapshot) {
			s.CNIPolicies = []snapshot.CNIPolicy{{Resource: snapshot.ResCiliumNetworkPolicies, Kind: "CiliumNetworkPolicy", Namespace: "shop", Name: "l7"}}
		}, checks.NotEvaluated, checks.Fail},
		{"cluster-wide", func(s *snapshot.Snapshot) {
			s.CNIPolicies = []snapshot.CNIPolicy{{Resource: snapshot.ResCalicoGlobalNetworkPolicies, Kind: "GlobalNetworkPolicy", Name: "deny"}}
		}, checks.NotEvaluated, checks.NotEvaluated},
		{"kind forbidden", func(s *snapshot.Snapshot) {
			s.Resources[snapshot.ResCalicoNetworkPolicies] = snapshot.Collection{State: snapshot.Forbidden}
		}, checks.NotEvaluated, checks.NotEvaluated},
		{"kinds absent", func(s *snapshot.Snapshot) {
			for _, r := range snapshot.CNIPolicyResources {
				s.Resources[r] = snapshot.Collection{State: snapshot.Collected}
			}
		}, checks.Fail, checks.Fail},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newEstate(t, "shop", "bank").pod("shop/web").pod("bank/core")
			tt.add(e.s)
			got := byResource(t, defaultDeny(e.s, netpol.Ingress))
			if got["Namespace/shop"].Status != tt.shop || got["Namespace/bank"].Status != tt.bank {
				t.Errorf("shop %s (%s), bank %s; want %s, %s", got["Namespace/shop"].Status, got["Namespace/shop"].Reason,
					got["Namespace/bank"].Status, tt.shop, tt.bank)
			}
		})
	}
}
