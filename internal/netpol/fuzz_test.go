package netpol

import (
	"encoding/json"
	"net/netip"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
)

// FuzzEngine feeds policies as a snapshot file could hold them (hand-written, never seen by an
// API server) to the engine: it must not panic, whatever the selectors, CIDRs and ports.
func FuzzEngine(f *testing.F) {
	for _, seed := range []string{
		`{"metadata":{"name":"p","namespace":"x"},"spec":{"podSelector":{}}}`,
		`{"metadata":{"name":"p","namespace":"x"},"spec":{"podSelector":{"matchExpressions":[{"key":"app","operator":"Bogus"}]},"ingress":[{"from":[{}]}]}}`,
		`{"metadata":{"name":"p","namespace":"x"},"spec":{"podSelector":{},"policyTypes":["Egress"],"egress":[{"to":[{"ipBlock":{"cidr":"10.0.0.0/99","except":["x"]}}],"ports":[{"port":"http","endPort":5},{"port":70000,"endPort":-1}]}]}}`,
		`{"metadata":{"name":"p","namespace":"x"},"spec":{"podSelector":{},"ingress":[{"from":[{"ipBlock":{"cidr":"::/0","except":["::/1"]}},{"namespaceSelector":{},"podSelector":{"matchLabels":{"app":"a"}}}],"ports":[{"protocol":"SCTP"}]}]}}`,
	} {
		f.Add([]byte(seed))
	}
	w := base()
	f.Fuzz(func(t *testing.T, data []byte) {
		var np networkingv1.NetworkPolicy
		if err := json.Unmarshal(data, &np); err != nil {
			return
		}
		e := New(w.pods, w.namespaces, []networkingv1.NetworkPolicy{np})
		for _, p := range e.Pods() {
			src := e.Pod(p)
			e.OpenToAllPods(src)
			e.FromOutside(src)
			e.Internet(src)
			e.Reaches(src, MetadataTargets())
			for _, q := range e.Pods() {
				e.Allowed(src, e.Pod(q), 8080, corev1.ProtocolTCP)
			}
			e.Allowed(AddrEndpoint(netip.MustParseAddr("192.0.2.1")), src, 443, corev1.ProtocolUDP)
		}
	})
}
