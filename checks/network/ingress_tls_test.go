package network

import (
	"testing"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func TestIngressTLS(t *testing.T) {
	ing := func(tls []networkingv1.IngressTLS, hosts ...string) networkingv1.Ingress {
		i := networkingv1.Ingress{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "web"},
			Spec: networkingv1.IngressSpec{TLS: tls}}
		for _, h := range hosts {
			i.Spec.Rules = append(i.Spec.Rules, networkingv1.IngressRule{Host: h})
		}
		return i
	}
	tls := func(hosts ...string) []networkingv1.IngressTLS {
		return []networkingv1.IngressTLS{{Hosts: hosts, SecretName: "cert"}}
	}
	tests := []struct {
		name     string
		ing      networkingv1.Ingress
		status   checks.Status
		observed string
	}{
		{"no tls fails", ing(nil, "shop.example.com"), checks.Fail,
			"no spec.tls: hosts shop.example.com served over plain HTTP"},
		{"no tls, default backend only, fails", ing(nil), checks.Fail, "default backend only"},
		{"all hosts covered passes", ing(tls("a.example.com", "b.example.com"), "a.example.com", "b.example.com", "a.example.com"),
			checks.Pass, "spec.tls covers hosts a.example.com, b.example.com"},
		{"host compare ignores case", ing(tls("Shop.Example.com"), "shop.example.com"), checks.Pass, "covers"},
		{"one host uncovered warns", ing(tls("a.example.com"), "a.example.com", "b.example.com"), checks.Warn,
			"not covered by spec.tls[].hosts: b.example.com (tls hosts: a.example.com)"},
		{"wildcard covers one label", ing(tls("*.example.com"), "a.example.com", "b.example.com"), checks.Pass, "covers"},
		{"wildcard does not cover the apex", ing(tls("*.example.com"), "example.com"), checks.Warn, "example.com"},
		{"wildcard does not cover two labels", ing(tls("*.example.com"), "a.b.example.com"), checks.Warn, "a.b.example.com"},
		{"wildcard needs a non-empty label", ing(tls("*.example.com"), ".example.com"), checks.Warn, ".example.com"},
		{"wildcard rule host covered by the same wildcard", ing(tls("*.example.com"), "*.example.com"), checks.Pass, "covers"},
		{"rule without host is not covered by named tls hosts", ing(tls("a.example.com"), ""), checks.Warn, "(any host)"},
		{"tls entry without hosts covers every host", ing(tls(), "a.example.com", ""), checks.Pass, "covers"},
		{"hosts split across tls entries", ing(append(tls("a.example.com"), tls("b.example.com")...), "a.example.com", "b.example.com"),
			checks.Pass, "covers"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := collected(snapshot.ResIngresses)
			s.Ingresses = []networkingv1.Ingress{tt.ing}
			got := ingressTLS(s)
			if len(got) != 1 {
				t.Fatalf("got %d results, want 1", len(got))
			}
			check(t, got[0], tt.status, tt.observed)
		})
	}
}
