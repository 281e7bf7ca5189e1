package network

import (
	"testing"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func TestCNIPolicies(t *testing.T) {
	s := collected()
	if got := cniPolicies(s); len(got) != 0 {
		t.Fatalf("no plugin policies: got %+v, want no result (NOT_APPLICABLE)", got)
	}
	s.Resources[snapshot.ResCiliumNetworkPolicies] = snapshot.Collection{State: snapshot.Collected, Count: 1}
	s.Resources[snapshot.ResCalicoGlobalNetworkPolicies] = snapshot.Collection{State: snapshot.Forbidden, Message: "RBAC"}
	s.CNIPolicies = []snapshot.CNIPolicy{
		{Resource: snapshot.ResCiliumNetworkPolicies, APIVersion: "cilium.io/v2", Kind: "CiliumNetworkPolicy", Namespace: "shop", Name: "l7"},
		{Resource: snapshot.ResCiliumClusterwideNetworkPolicies, APIVersion: "cilium.io/v2", Kind: "CiliumClusterwideNetworkPolicy", Name: "host"},
	}
	got := byResource(t, cniPolicies(s))
	for k, want := range map[string]checks.Status{
		"CiliumNetworkPolicy/shop/l7":                 checks.Manual,
		"CiliumClusterwideNetworkPolicy/host":         checks.Manual,
		"globalnetworkpolicies.crd.projectcalico.org": checks.NotEvaluated,
	} {
		if got[k].Status != want {
			t.Errorf("%s: %s, want %s", k, got[k].Status, want)
		}
	}
	if len(got) != 3 {
		t.Errorf("got %d results, want 3", len(got))
	}
	if r := got["CiliumClusterwideNetworkPolicy/host"]; r.Evidence.Observed != "CiliumClusterwideNetworkPolicy (cilium.io/v2) may select pods of every namespace; not evaluated by kubeposture" {
		t.Errorf("observed %q", r.Evidence.Observed)
	}
}
