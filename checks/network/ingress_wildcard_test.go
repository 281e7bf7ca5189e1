package network

import (
	"testing"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func TestIngressWildcard(t *testing.T) {
	ing := func(name string, hosts ...string) networkingv1.Ingress {
		i := networkingv1.Ingress{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: name}}
		for _, h := range hosts {
			i.Spec.Rules = append(i.Spec.Rules, networkingv1.IngressRule{Host: h})
		}
		return i
	}
	def := ing("default-backend", "shop.example.com")
	def.Spec.DefaultBackend = &networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{Name: "web"}}
	s := collected(snapshot.ResIngresses)
	s.Ingresses = []networkingv1.Ingress{ing("named", "shop.example.com", "api.example.com"), ing("wild", "shop.example.com", "*.example.com"),
		ing("catch-all", ""), def}
	expectAll(t, ingressWildcard(s), map[string]wantResult{
		"Ingress/shop/named":           {checks.Pass, "named hosts only"},
		"Ingress/shop/wild":            {checks.Warn, "wildcard host *.example.com"},
		"Ingress/shop/catch-all":       {checks.Warn, "a rule without host"},
		"Ingress/shop/default-backend": {checks.Warn, "spec.defaultBackend"},
	})
}
