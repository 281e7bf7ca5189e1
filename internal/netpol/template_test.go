package netpol

import (
	"math/rand/v2"
	"net/netip"
	"reflect"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// templateOf is the template a pod could have been created from: its labels and spec.
func templateOf(p *corev1.Pod) *corev1.PodTemplateSpec {
	return &corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: p.Labels}, Spec: p.Spec}
}

// TestTemplateAsItsPods: on seeded random worlds, a template answers every per-endpoint
// question exactly as a pod with its labels, namespace and spec, and is Equivalent to it;
// in connections it answers as that pod would without an address.
func TestTemplateAsItsPods(t *testing.T) {
	const worlds = 200
	for seed := uint64(1); seed <= worlds; seed++ {
		g := gen{rand.New(rand.NewPCG(seed, 0x74656d706c))}
		w := g.world()
		e := w.engine(t)
		api := []Target{{Addr: netip.MustParseAddr("10.0.0.1"), Port: 443, Protocol: corev1.ProtocolTCP}}
		var others []Endpoint
		for _, p := range e.Pods() {
			others = append(others, e.Pod(p))
		}
		for _, a := range genAddrs {
			others = append(others, AddrEndpoint(netip.MustParseAddr(a)))
		}
		for _, p := range e.Pods() {
			pod, tmpl := e.Pod(p), e.Template(p.Namespace, templateOf(p))
			if !Equivalent(&pod, &tmpl) {
				t.Fatalf("seed %d: %s/%s and its template are not equivalent", seed, p.Namespace, p.Name)
			}
			for _, d := range []Direction{Ingress, Egress} {
				if got, want := e.Isolating(tmpl, d), e.Isolating(pod, d); !reflect.DeepEqual(got, want) {
					t.Fatalf("seed %d: %s/%s %s isolation: template %v, pod %v", seed, p.Namespace, p.Name, d, got, want)
				}
			}
			reachT, _ := e.Reaches(tmpl, api)
			reachP, _ := e.Reaches(pod, api)
			for q, pair := range map[string][2]Answer{
				"OpenToAllPods": {e.OpenToAllPods(tmpl), e.OpenToAllPods(pod)},
				"FromOutside":   {e.FromOutside(tmpl), e.FromOutside(pod)},
				"Internet":      {e.Internet(tmpl), e.Internet(pod)},
				"Reaches":       {reachT, reachP},
			} {
				if !reflect.DeepEqual(pair[0], pair[1]) {
					t.Fatalf("seed %d: %s/%s %s: template %+v, pod %+v", seed, p.Namespace, p.Name, q, pair[0], pair[1])
				}
			}
			// In a connection, the template is its pod without an address.
			noIP := *p
			noIP.Status = corev1.PodStatus{}
			bare := e.Pod(&noIP)
			for _, o := range others {
				for _, pt := range genPorts {
					if got, want := e.Allowed(tmpl, o, pt.port, pt.proto), e.Allowed(bare, o, pt.port, pt.proto); !reflect.DeepEqual(got, want) {
						t.Fatalf("seed %d: template of %s/%s to %v %d: %+v, pod without IP %+v", seed, p.Namespace, p.Name, o.IPs, pt.port, got, want)
					}
					if got, want := e.Allowed(o, tmpl, pt.port, pt.proto), e.Allowed(o, bare, pt.port, pt.proto); !reflect.DeepEqual(got, want) {
						t.Fatalf("seed %d: %v to the template of %s/%s %d: %+v, pod without IP %+v", seed, o.IPs, p.Namespace, p.Name, pt.port, got, want)
					}
				}
			}
		}
	}
}

// TestTemplateEndpoint: a template is selected by its labels in its workload's namespace,
// resolves named ports from its containers, is not on the pod network when it asks for the
// host's, and matches no ipBlock peer, having no address yet.
func TestTemplateEndpoint(t *testing.T) {
	w := base()
	w.policy(t, `
metadata: {name: web, namespace: x}
spec:
	podSelector: {matchLabels: {app: web}}
	policyTypes: [Ingress, Egress]
	ingress: [{from: [{namespaceSelector: {matchLabels: {team: b}}}], ports: [{port: http}]}]
	egress: [{to: [{ipBlock: {cidr: 10.0.0.0/8}}]}]`)
	w.policy(t, `
metadata: {name: from-pods, namespace: "y"}
spec:
	podSelector: {matchLabels: {app: c}}
	ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/8}}]}]`)
	e := w.engine(t)
	web := &corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "web"}},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: 8080}}}}}}
	tmpl := e.Template("x", web)
	if got := e.Isolating(tmpl, Ingress); len(got) != 1 || got[0].Name != "web" {
		t.Errorf("template isolated for ingress by %v, want x/web", got)
	}
	// The same labels in another namespace: x's policy does not select it.
	if got := e.Isolating(e.Template("y", web), Ingress); len(got) != 0 {
		t.Errorf("template in y isolated by %v, want none", got)
	}
	yc := ep(t, e, "y/c")
	if v := e.Allowed(yc, tmpl, 8080, corev1.ProtocolTCP); !v.Allowed || !v.Ingress.Isolated {
		t.Errorf("y/c to the template on its named port: %+v, want allowed by x/web", v)
	}
	if v := e.Allowed(yc, tmpl, 9090, corev1.ProtocolTCP); v.Allowed {
		t.Errorf("y/c to the template on 9090: allowed, want denied (the named port is 8080)")
	}
	// ipBlock: x/a (10.1.0.1) reaches y/c through from-pods; the template, without an
	// address, does not.
	if v := e.Allowed(ep(t, e, "x/a"), yc, 80, corev1.ProtocolTCP); !v.Allowed {
		t.Errorf("x/a to y/c: %+v, want allowed by the ipBlock", v)
	}
	if v := e.Allowed(e.Template("x", templateOf(w.pods[0].DeepCopy())), yc, 80, corev1.ProtocolTCP); v.Allowed {
		t.Errorf("x/a's template to y/c: allowed by %v, want denied (no address)", v.Ingress.Allowing)
	}
	host := web.DeepCopy()
	host.Spec.HostNetwork = true
	h := e.Template("x", host)
	if a := e.FromOutside(h); !a.Yes || a.Because != "hostNetwork pod: NetworkPolicy does not apply" {
		t.Errorf("hostNetwork template: %+v", a)
	}
	if Equivalent(&h, &tmpl) {
		t.Error("a hostNetwork template is equivalent to a pod-network one")
	}
}
