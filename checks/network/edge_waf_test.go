package network

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func lbService(name string, ann map[string]string) corev1.Service {
	return corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: name, Annotations: ann},
		Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeLoadBalancer}}
}

func edgeIngress(class string, ann map[string]string, backend string) networkingv1.Ingress {
	ing := networkingv1.Ingress{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "web", Annotations: ann}}
	if class != "" {
		ing.Spec.IngressClassName = &class
	}
	ing.Spec.Rules = []networkingv1.IngressRule{{Host: "shop.example.com", IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{
		Paths: []networkingv1.HTTPIngressPath{{Path: "/", Backend: networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{
			Name: backend, Port: networkingv1.ServiceBackendPort{Number: 80}}}}}}}}}
	return ing
}

func TestEdgeProtection(t *testing.T) {
	for _, tc := range []struct {
		name     string
		provider snapshot.Provider
		services []corev1.Service
		ingress  *networkingv1.Ingress
		want     checks.Status
	}{
		{"kubeadm", snapshot.ProviderKubeadm, []corev1.Service{lbService("lb", nil)}, nil, checks.NotApplicable},
		{"eks public NLB", snapshot.ProviderEKS, []corev1.Service{lbService("lb", nil)}, nil, checks.Warn},
		{"eks internal NLB", snapshot.ProviderEKS, []corev1.Service{lbService("lb", map[string]string{"service.beta.kubernetes.io/aws-load-balancer-scheme": "internal"})}, nil, checks.NotApplicable},
		{"eks ALB with web ACL", snapshot.ProviderEKS, nil, ptrTo(edgeIngress("alb", map[string]string{albScheme: "internet-facing", albWAFv2: "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/shop/abc", albShield: "true"}, "web")), checks.Pass},
		{"eks ALB without web ACL", snapshot.ProviderEKS, nil, ptrTo(edgeIngress("alb", map[string]string{albScheme: "internet-facing"}, "web")), checks.Warn},
		{"eks internal ALB (the default scheme)", snapshot.ProviderEKS, nil, ptrTo(edgeIngress("alb", nil, "web")), checks.NotApplicable},
		{"eks nginx ingress", snapshot.ProviderEKS, nil, ptrTo(edgeIngress("nginx", nil, "web")), checks.NotApplicable},
		{"gke ingress, backend without BackendConfig", snapshot.ProviderGKE, []corev1.Service{{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "web"}}}, ptrTo(edgeIngress("", nil, "web")), checks.Warn},
		{"gke ingress, BackendConfig not collected", snapshot.ProviderGKE, []corev1.Service{{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "web",
			Annotations: map[string]string{gkeBackendCfg: `{"ports": {"80": "armor"}}`}}}}, ptrTo(edgeIngress("gce", nil, "web")), checks.NotEvaluated},
		{"gke internal ingress", snapshot.ProviderGKE, nil, ptrTo(edgeIngress("gce-internal", nil, "web")), checks.NotApplicable},
		{"aks AGIC with WAF policy", snapshot.ProviderAKS, nil, ptrTo(edgeIngress("azure-application-gateway", map[string]string{agicWAFPolicy: "/subscriptions/x/resourceGroups/y/providers/Microsoft.Network/applicationGatewayWebApplicationFirewallPolicies/shop"}, "web")), checks.Pass},
		{"aks AGIC without", snapshot.ProviderAKS, nil, ptrTo(edgeIngress("azure-application-gateway", nil, "web")), checks.Warn},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := snapshot.New()
			s.Cluster.Provider = tc.provider
			s.Services = tc.services
			if tc.ingress != nil {
				s.Ingresses = []networkingv1.Ingress{*tc.ingress}
			}
			st := checks.Aggregate(edgeProtection(s))
			if st != tc.want {
				t.Errorf("%s, want %s: %+v", st, tc.want, edgeProtection(s))
			}
		})
	}
}

func ptrTo[T any](v T) *T { return &v }
