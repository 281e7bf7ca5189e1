package network

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func TestServiceExposure(t *testing.T) {
	lb := func(f func(*corev1.Service)) corev1.Service {
		s := corev1.Service{
			ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "web"},
			Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeLoadBalancer,
				Ports: []corev1.ServicePort{{Port: 443, Protocol: corev1.ProtocolTCP, NodePort: 31443}}},
		}
		if f != nil {
			f(&s)
		}
		return s
	}
	tests := []struct {
		name     string
		svc      corev1.Service
		status   checks.Status
		observed []string
		where    string
	}{
		{"load balancer without ranges fails", lb(func(s *corev1.Service) {
			s.Status.LoadBalancer.Ingress = []corev1.LoadBalancerIngress{{IP: "203.0.113.10"}}
		}), checks.Fail,
			[]string{"type LoadBalancer, ports 443/TCP (nodePort 31443), at 203.0.113.10, no loadBalancerSourceRanges"},
			"spec.type, spec.loadBalancerSourceRanges"},
		{"load balancer with ranges warns", lb(func(s *corev1.Service) {
			s.Spec.LoadBalancerSourceRanges = []string{"10.0.0.0/8", "192.0.2.0/24"}
		}), checks.Warn, []string{"source ranges 10.0.0.0/8, 192.0.2.0/24: exposed, restricted"}, ""},
		{"0.0.0.0/0 fails", lb(func(s *corev1.Service) {
			s.Spec.LoadBalancerSourceRanges = []string{"10.0.0.0/8", "0.0.0.0/0"}
		}), checks.Fail, []string{"0.0.0.0/0 allows any address"}, ""},
		{"::/0 fails", lb(func(s *corev1.Service) {
			s.Spec.LoadBalancerSourceRanges = []string{"::/0"}
		}), checks.Fail, []string{"::/0 allows any address"}, ""},
		{"ranges from the annotation count", lb(func(s *corev1.Service) {
			s.Annotations = map[string]string{sourceRangesAnnotation: " 10.1.0.0/16 , 10.2.0.0/16"}
		}), checks.Warn, []string{"source ranges 10.1.0.0/16, 10.2.0.0/16"},
			"spec.type, metadata.annotations[" + sourceRangesAnnotation + "]"},
		{"open range in the annotation fails", lb(func(s *corev1.Service) {
			s.Annotations = map[string]string{sourceRangesAnnotation: "0.0.0.0/0"}
		}), checks.Fail, []string{"allows any address"}, ""},
		{"the spec field wins over the annotation", lb(func(s *corev1.Service) {
			s.Spec.LoadBalancerSourceRanges = []string{"10.0.0.0/8"}
			s.Annotations = map[string]string{sourceRangesAnnotation: "0.0.0.0/0"}
		}), checks.Warn, []string{"10.0.0.0/8"}, "spec.type, spec.loadBalancerSourceRanges"},
		{"empty annotation is no restriction", lb(func(s *corev1.Service) {
			s.Annotations = map[string]string{sourceRangesAnnotation: " "}
		}), checks.Fail, []string{"no loadBalancerSourceRanges"}, ""},
		{"node port warns", corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "np"},
			Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeNodePort, Ports: []corev1.ServicePort{{Port: 80, NodePort: 30080}}}},
			checks.Warn, []string{"type NodePort, ports 80/TCP (nodePort 30080): reachable on every node"}, ""},
		{"cluster IP passes", corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "c"},
			Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeClusterIP, ClusterIP: "10.96.0.10"}},
			checks.Pass, []string{"type ClusterIP"}, "spec.type"},
		{"unset type is ClusterIP", corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "c"}},
			checks.Pass, []string{"type ClusterIP"}, ""},
		{"headless passes", corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "h"},
			Spec: corev1.ServiceSpec{ClusterIP: corev1.ClusterIPNone}},
			checks.Pass, []string{"type ClusterIP (headless)"}, ""},
		{"external name passes", corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "e"},
			Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeExternalName, ExternalName: "db.example.com"}},
			checks.Pass, []string{"type ExternalName (db.example.com)"}, ""},
		{"cluster IP with external IPs warns", corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "x"},
			Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeClusterIP, ExternalIPs: []string{"198.51.100.7"}}},
			checks.Warn, []string{"externalIPs 198.51.100.7: reachable on those addresses"}, "spec.type, spec.externalIPs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := collected(snapshot.ResServices)
			s.Services = []corev1.Service{tt.svc}
			got := serviceExposure(s)
			if len(got) != 1 {
				t.Fatalf("got %d results, want 1", len(got))
			}
			check(t, got[0], tt.status, tt.observed...)
			if tt.where != "" && got[0].Evidence.Where != tt.where {
				t.Errorf("where %q, want %q", got[0].Evidence.Where, tt.where)
			}
			if got[0].Resource != (checks.Resource{Kind: "Service", Namespace: "shop", Name: tt.svc.Name}) {
				t.Errorf("resource %+v", got[0].Resource)
			}
		})
	}
}
