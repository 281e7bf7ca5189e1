package netpol

import (
	"net/netip"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubeposture/kubeposture/internal/componentflags"
	"github.com/kubeposture/kubeposture/snapshot"
)

// TestPodQueries: the per-pod answers the checks use, one policy set per case, asked of x/a.
func TestPodQueries(t *testing.T) {
	type answers struct{ allPods, outside, internet, metadata bool }
	tests := []struct {
		name   string
		policy string
		want   answers
		// because must appear in the internet answer's reason.
		because string
	}{
		{"no policy: open both ways", "", answers{true, true, true, true}, "no NetworkPolicy selects the pod for Egress"},
		{"default deny both ways", `
metadata: {name: deny, namespace: x}
spec: {podSelector: {}, policyTypes: [Ingress, Egress]}`, answers{false, false, false, false}, "isolated for Egress by x/deny"},
		{"ingress [{}] on all pods, egress to the cluster only", `
metadata: {name: p, namespace: x}
spec:
	podSelector: {}
	policyTypes: [Ingress, Egress]
	ingress: [{}]
	egress: [{to: [{namespaceSelector: {}}]}]`, answers{true, true, false, false}, "no rule allows a public address"},
		{"ingress from every namespace only: all pods, not outside", `
metadata: {name: p, namespace: x}
spec:
	podSelector: {}
	ingress: [{from: [{namespaceSelector: {}}]}]`, answers{true, false, true, true}, ""},
		{"ingress from 0.0.0.0/0 with an except: outside", `
metadata: {name: p, namespace: x}
spec:
	podSelector: {}
	ingress: [{from: [{ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8]}}], ports: [{port: 443}]}]`, answers{true, true, true, true}, ""},
		{"ingress from ::/0: outside", `
metadata: {name: p, namespace: x}
spec:
	podSelector: {}
	ingress: [{from: [{ipBlock: {cidr: "::/0"}}]}]`, answers{true, true, true, true}, ""},
		{"egress to private ranges only: no internet", `
metadata: {name: p, namespace: x}
spec:
	podSelector: {}
	policyTypes: [Egress]
	egress: [{to: [{ipBlock: {cidr: 10.0.0.0/8}}, {ipBlock: {cidr: 192.168.0.0/16}}]}]`, answers{true, true, false, false}, "no rule allows a public address"},
		{"egress to 0.0.0.0/0 except the link-local range: internet, no metadata", `
metadata: {name: p, namespace: x}
spec:
	podSelector: {}
	policyTypes: [Egress]
	egress: [{to: [{ipBlock: {cidr: 0.0.0.0/0, except: [169.254.0.0/16]}}]}]`, answers{true, true, true, false}, "x/p spec.egress[0] allows public addresses"},
		{"egress to 0.0.0.0/0 except everything public: no internet", `
metadata: {name: p, namespace: x}
spec:
	podSelector: {}
	policyTypes: [Egress]
	egress: [{to: [{ipBlock: {cidr: 0.0.0.0/0, except: [0.0.0.0/1, 128.0.0.0/1]}}]}]`, answers{true, true, false, false}, "no rule allows"},
		{"egress to the metadata address on 443 only: no metadata", `
metadata: {name: p, namespace: x}
spec:
	podSelector: {}
	policyTypes: [Egress]
	egress: [{to: [{ipBlock: {cidr: 169.254.169.254/32}}], ports: [{port: 443}]}]`, answers{true, true, false, false}, ""},
		{"egress to the IPv6 metadata address: metadata", `
metadata: {name: p, namespace: x}
spec:
	podSelector: {}
	policyTypes: [Egress]
	egress: [{to: [{ipBlock: {cidr: "fd00:ec2::/64"}}]}]`, answers{true, true, false, true}, ""},
		{"egress on named ports only: cannot match an address outside the pod network", `
metadata: {name: p, namespace: x}
spec:
	podSelector: {}
	policyTypes: [Egress]
	egress: [{ports: [{port: http}]}]`, answers{true, true, false, false}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := base()
			if tt.policy != "" {
				w.policy(t, tt.policy)
			}
			e := w.engine(t)
			a := ep(t, e, "x/a")
			meta, _ := e.Reaches(a, MetadataTargets())
			inet := e.Internet(a)
			got := answers{e.OpenToAllPods(a).Yes, e.FromOutside(a).Yes, inet.Yes, meta.Yes}
			if got != tt.want {
				t.Errorf("got %+v, want %+v (internet: %s; metadata: %s)", got, tt.want, inet.Because, meta.Because)
			}
			if !strings.Contains(inet.Because, tt.because) {
				t.Errorf("internet reason %q does not contain %q", inet.Because, tt.because)
			}
		})
	}
}

func TestDefaultDeny(t *testing.T) {
	w := base()
	w.policy(t, `
metadata: {name: only-a, namespace: x}
spec: {podSelector: {matchLabels: {app: a}}, policyTypes: [Ingress, Egress]}`)
	w.policy(t, `
metadata: {name: all-ingress, namespace: x}
spec: {podSelector: {}}`)
	w.policy(t, `
metadata: {name: all-egress, namespace: "y"}
spec: {podSelector: {}, policyTypes: [Egress]}`)
	e := w.engine(t)
	for _, tc := range []struct {
		ns   string
		d    Direction
		want string
	}{
		{"x", Ingress, "x/all-ingress"},
		{"x", Egress, ""}, // only-a selects some pods only
		{"y", Ingress, ""},
		{"y", Egress, "y/all-egress"},
	} {
		got := ""
		for _, p := range e.DefaultDeny(tc.ns, tc.d) {
			got += p.String()
		}
		if got != tc.want {
			t.Errorf("DefaultDeny(%s, %s) = %q, want %q", tc.ns, tc.d, got, tc.want)
		}
	}
}

func TestAPIServerTargets(t *testing.T) {
	s := snapshot.New()
	s.Cluster.Server = "https://127.0.0.1:6443" // loopback: the collector's view, not a pod's
	s.Services = []corev1.Service{{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "kubernetes"},
		Spec: corev1.ServiceSpec{ClusterIP: "10.96.0.1", ClusterIPs: []string{"10.96.0.1"},
			Ports: []corev1.ServicePort{{Name: "https", Port: 443, Protocol: corev1.ProtocolTCP}}}}}
	args := []string{"kube-apiserver", "--advertise-address=10.0.0.10", "--secure-port=6443"}
	s.ControlPlane = []snapshot.Component{{Name: "kube-apiserver", Namespace: "kube-system", Pod: "kube-apiserver-cp-1",
		Command: args, Flags: componentflags.Parse(args, nil, nil)}}
	s.Nodes = []corev1.Node{
		{ObjectMeta: metav1.ObjectMeta{Name: "cp-1", Labels: map[string]string{"node-role.kubernetes.io/control-plane": ""}},
			Status: corev1.NodeStatus{Addresses: []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: "10.0.0.10"},
				{Type: corev1.NodeExternalIP, Address: "203.0.113.10"}, {Type: corev1.NodeHostName, Address: "cp-1"}}}},
		{ObjectMeta: metav1.ObjectMeta{Name: "worker-1"},
			Status: corev1.NodeStatus{Addresses: []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: "10.0.0.20"}}}},
	}
	var got []string
	for _, tg := range APIServerTargets(s) {
		got = append(got, netip.AddrPortFrom(tg.Addr, uint16(tg.Port)).String())
	}
	want := "10.96.0.1:443 10.0.0.10:6443 203.0.113.10:6443"
	if strings.Join(got, " ") != want {
		t.Errorf("targets %v, want %s", got, want)
	}

	// An egress policy that allows the control-plane subnet on 6443 reaches the server even
	// though the Service address is not allowed: policies may apply after translation.
	w := base()
	w.policy(t, `
metadata: {name: p, namespace: x}
spec:
	podSelector: {}
	policyTypes: [Egress]
	egress: [{to: [{ipBlock: {cidr: 10.0.0.0/24}}], ports: [{port: 6443}]}]`)
	e := w.engine(t)
	a, tg := e.Reaches(ep(t, e, "x/a"), APIServerTargets(s))
	if !a.Yes || tg == nil || tg.Addr.String() != "10.0.0.10" {
		t.Errorf("reaches %+v via %v, want yes via 10.0.0.10", a, tg)
	}
	if a, _ := e.Reaches(ep(t, e, "x/a"), APIServerTargets(s)[:1]); a.Yes {
		t.Errorf("the Service address alone should be denied: %+v", a)
	}
}
