package network

import (
	"testing"

	"github.com/kubeposture/kubeposture/checks"
)

func TestWideIPBlocks(t *testing.T) {
	e := newEstate(t, "shop")
	for _, p := range []string{`
metadata: {name: in-any, namespace: shop}
spec: {podSelector: {}, ingress: [{from: [{ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8]}}]}]}`, `
metadata: {name: in-any6, namespace: shop}
spec: {podSelector: {}, ingress: [{from: [{ipBlock: {cidr: "::/0"}}]}]}`, `
metadata: {name: out-any, namespace: shop}
spec: {podSelector: {}, policyTypes: [Egress], egress: [{to: [{ipBlock: {cidr: 0.0.0.0/0, except: [169.254.0.0/16]}}]}]}`, `
metadata: {name: out-wide, namespace: shop}
spec: {podSelector: {}, policyTypes: [Egress], egress: [{to: [{ipBlock: {cidr: 64.0.0.0/2}}]}]}`, `
metadata: {name: v6-wide, namespace: shop}
spec: {podSelector: {}, ingress: [{from: [{ipBlock: {cidr: "2000::/3"}}]}]}`, `
metadata: {name: narrow, namespace: shop}
spec: {podSelector: {}, ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/8}}, {ipBlock: {cidr: "2001:db8::/32"}}]}]}`, `
metadata: {name: none, namespace: shop}
spec: {podSelector: {}, ingress: [{from: [{podSelector: {}}]}]}`, `
metadata: {name: ungoverned, namespace: shop}
spec: {podSelector: {}, policyTypes: [Egress], ingress: [{from: [{ipBlock: {cidr: 0.0.0.0/0}}]}]}`,
	} {
		e.policy(p)
	}
	expectAll(t, wideIPBlocks(e.s), map[string]wantResult{
		"NetworkPolicy/shop/in-any":     {checks.Fail, "spec.ingress[0].from[0].ipBlock 0.0.0.0/0 except 10.0.0.0/8 (any address)"},
		"NetworkPolicy/shop/in-any6":    {checks.Fail, "::/0"},
		"NetworkPolicy/shop/out-any":    {checks.Warn, "spec.egress[0].to[0].ipBlock 0.0.0.0/0 except 169.254.0.0/16 (any address)"},
		"NetworkPolicy/shop/out-wide":   {checks.Warn, "64.0.0.0/2 (very wide)"},
		"NetworkPolicy/shop/v6-wide":    {checks.Warn, "2000::/3 (very wide)"},
		"NetworkPolicy/shop/narrow":     {checks.Pass, "2 ipBlocks, none wide"},
		"NetworkPolicy/shop/none":       {checks.Pass, "0 ipBlocks"},
		"NetworkPolicy/shop/ungoverned": {checks.Pass, "0 ipBlocks"},
	})
}
