package deploy_test

import (
	"net/netip"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubeposture/kubeposture/internal/netpol"
)

// TestScannerNetwork evaluates each kustomization's NetworkPolicies with the project's engine
// (internal/netpol) for a pod of the scanner's CronJob: it may reach the API server (the
// kubernetes Service's usual cluster IPs on 443, a kubeadm API server on 6443); in
// with-metrics the Pushgateway, in with-image-scan the Trivy server and the registries' range
// the overlay names, and in both the cluster DNS; nothing else (the internet, the cloud
// metadata service, other pods), and nothing may connect to it.
func TestScannerNetwork(t *testing.T) {
	for _, dir := range kustomizations {
		t.Run(dir, func(t *testing.T) {
			_, m := render(t, dir)
			s := m.Snapshot
			_, cj := scanner(t, s)
			tpl := cj.Spec.JobTemplate.Spec.Template
			pod := func(ns, name string, labels map[string]string, spec corev1.PodSpec) corev1.Pod {
				return corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Labels: labels}, Spec: spec}
			}
			pods := []corev1.Pod{
				pod(cj.Namespace, "scan-0", tpl.Labels, tpl.Spec),
				pod("monitoring", "pushgateway-0", map[string]string{"app.kubernetes.io/name": "pushgateway"}, corev1.PodSpec{}),
				pod("kube-system", "coredns-0", map[string]string{"k8s-app": "kube-dns"}, corev1.PodSpec{}),
				pod("trivy", "trivy-0", map[string]string{"app.kubernetes.io/name": "trivy"}, corev1.PodSpec{}),
				pod("default", "web-0", map[string]string{"app": "web"}, corev1.PodSpec{}),
			}
			var namespaces []corev1.Namespace
			for _, n := range []string{cj.Namespace, "monitoring", "kube-system", "trivy", "default"} {
				namespaces = append(namespaces, corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: n, Labels: map[string]string{corev1.LabelMetadataName: n}}})
			}
			e := netpol.New(pods, namespaces, s.NetworkPolicies)
			ep := func(name string) netpol.Endpoint {
				for _, p := range pods {
					if p.Name == name {
						if e, ok := e.PodEndpoint(p.Namespace, p.Name); ok {
							return e
						}
					}
				}
				t.Fatalf("no pod %s", name)
				return netpol.Endpoint{}
			}
			addr := func(a string) netpol.Endpoint { return netpol.AddrEndpoint(netip.MustParseAddr(a)) }
			scan := ep("scan-0")
			metrics, images := dir == "overlays/with-metrics", dir == "overlays/with-image-scan"
			for _, tc := range []struct {
				what  string
				dst   netpol.Endpoint
				port  int32
				proto corev1.Protocol
				want  bool
			}{
				{"the kubernetes Service (10.96.0.1:443)", addr("10.96.0.1"), 443, corev1.ProtocolTCP, true},
				{"a kubeadm API server (192.168.1.10:6443)", addr("192.168.1.10"), 6443, corev1.ProtocolTCP, true},
				{"a managed API server (172.20.0.1:443)", addr("172.20.0.1"), 443, corev1.ProtocolTCP, true},
				{"another port of a private address", addr("10.0.0.5"), 22, corev1.ProtocolTCP, false},
				{"the cloud metadata service", addr("169.254.169.254"), 80, corev1.ProtocolTCP, false},
				{"the Pushgateway", ep("pushgateway-0"), 9091, corev1.ProtocolTCP, metrics},
				{"the Trivy server", ep("trivy-0"), 4954, corev1.ProtocolTCP, images},
				{"the registries' range", addr("203.0.113.7"), 443, corev1.ProtocolTCP, images},
				{"the internet", addr("8.8.8.8"), 443, corev1.ProtocolTCP, false},
				{"the cluster DNS", ep("coredns-0"), 53, corev1.ProtocolUDP, metrics || images},
				{"another pod", ep("web-0"), 8080, corev1.ProtocolTCP, false},
			} {
				if v := e.Allowed(scan, tc.dst, tc.port, tc.proto); v.Allowed != tc.want {
					t.Errorf("scanner -> %s:%d/%s allowed %v, want %v (%s)", tc.what, tc.port, tc.proto, v.Allowed, tc.want, v.Egress.Reason)
				}
			}
			for _, src := range []netpol.Endpoint{ep("web-0"), addr("8.8.8.8")} {
				if v := e.Allowed(src, scan, 8080, corev1.ProtocolTCP); v.Allowed {
					t.Errorf("a connection to the scanner is allowed: %s", v.Ingress.Reason)
				}
			}
		})
	}
}
