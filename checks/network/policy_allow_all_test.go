package network

import (
	"testing"

	"github.com/kubeposture/kubeposture/checks"
)

func TestAllowAll(t *testing.T) {
	e := newEstate(t, "shop")
	e.policy(`
metadata: {name: open-all, namespace: shop}
spec: {podSelector: {}, ingress: [{}]}`)
	e.policy(`
metadata: {name: open-web, namespace: shop}
spec: {podSelector: {matchLabels: {app: web}}, policyTypes: [Egress], egress: [{}]}`)
	e.policy(`
metadata: {name: ports-only, namespace: shop}
spec: {podSelector: {}, ingress: [{ports: [{port: 443}]}]}`)
	e.policy(`
metadata: {name: ignored-egress, namespace: shop}
spec: {podSelector: {}, policyTypes: [Ingress], egress: [{}]}`)
	e.policy(`
metadata: {name: deny, namespace: shop}
spec: {podSelector: {}, policyTypes: [Ingress, Egress], ingress: []}`)
	expectAll(t, allowAll(e.s), map[string]wantResult{
		"NetworkPolicy/shop/open-all":       {checks.Fail, "spec.ingress[0] allow all traffic for every pod"},
		"NetworkPolicy/shop/open-web":       {checks.Warn, "spec.egress[0] allow all traffic for the pods selected"},
		"NetworkPolicy/shop/ports-only":     {checks.Pass, "no rule allows every peer"},
		"NetworkPolicy/shop/ignored-egress": {checks.Pass, ""}, // egress is not governed: the rule has no effect
		"NetworkPolicy/shop/deny":           {checks.Pass, ""},
	})
}
