package netpol

import (
	"net/netip"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/yaml"
)

// world is a small cluster for table tests: pods and namespaces by name, policies as YAML
// (the form the documentation gives them in).
type world struct {
	namespaces []corev1.Namespace
	pods       []corev1.Pod
	policies   []networkingv1.NetworkPolicy
}

func (w *world) ns(name string, kv ...string) *world {
	l := map[string]string{"kubernetes.io/metadata.name": name}
	for i := 0; i+1 < len(kv); i += 2 {
		l[kv[i]] = kv[i+1]
	}
	w.namespaces = append(w.namespaces, corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: l}})
	return w
}

// pod adds ns/name with an IP and labels given as "k=v"; a label "port:NAME=80/TCP" declares
// a named container port instead, and "hostNetwork" or "node=N" set those fields.
func (w *world) pod(ns, name, ip string, kv ...string) *world {
	p := corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Labels: map[string]string{}},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c"}}}}
	if ip != "" {
		p.Status.PodIP = ip
		p.Status.PodIPs = []corev1.PodIP{{IP: ip}}
	}
	for _, s := range kv {
		switch {
		case s == "hostNetwork":
			p.Spec.HostNetwork = true
		case strings.HasPrefix(s, "node="):
			p.Spec.NodeName = strings.TrimPrefix(s, "node=")
		case strings.HasPrefix(s, "port:"):
			name, spec, _ := strings.Cut(strings.TrimPrefix(s, "port:"), "=")
			num, proto, _ := strings.Cut(spec, "/")
			n := intstr.Parse(num).IntVal
			p.Spec.Containers[0].Ports = append(p.Spec.Containers[0].Ports,
				corev1.ContainerPort{Name: name, ContainerPort: n, Protocol: corev1.Protocol(proto)})
		default:
			k, v, _ := strings.Cut(s, "=")
			p.Labels[k] = v
		}
	}
	w.pods = append(w.pods, p)
	return w
}

func (w *world) policy(t testing.TB, doc string) *world {
	t.Helper()
	var np networkingv1.NetworkPolicy
	if err := yaml.UnmarshalStrict([]byte(strings.ReplaceAll(doc, "\t", "  ")), &np); err != nil {
		t.Fatalf("policy YAML: %v\n%s", err, doc)
	}
	w.policies = append(w.policies, np)
	return w
}

func (w *world) engine(t testing.TB) *Engine {
	t.Helper()
	e := New(w.pods, w.namespaces, w.policies)
	if len(e.Problems) > 0 {
		t.Fatalf("engine problems: %v", e.Problems)
	}
	return e
}

// ep resolves "ns/name" to a pod endpoint, or an IP literal to an address endpoint.
func ep(t testing.TB, e *Engine, s string) Endpoint {
	t.Helper()
	if a, err := netip.ParseAddr(s); err == nil {
		return AddrEndpoint(a)
	}
	ns, name, _ := strings.Cut(s, "/")
	p, ok := e.PodEndpoint(ns, name)
	if !ok {
		t.Fatalf("no pod %s", s)
	}
	return p
}

// flow is one connection and its expected verdict.
type flow struct {
	from, to string
	port     int32
	proto    corev1.Protocol
	allowed  bool
	// by, when set, must appear in the reason of the deciding side(s).
	by string
}

func checkFlows(t *testing.T, e *Engine, flows []flow) {
	t.Helper()
	for _, f := range flows {
		v := e.Allowed(ep(t, e, f.from), ep(t, e, f.to), f.port, f.proto)
		proto := f.proto
		if proto == "" {
			proto = corev1.ProtocolTCP
		}
		if v.Allowed != f.allowed {
			t.Errorf("%s -> %s %d/%s: allowed=%v, want %v (egress: %s; ingress: %s)",
				f.from, f.to, f.port, proto, v.Allowed, f.allowed, v.Egress.Reason, v.Ingress.Reason)
			continue
		}
		if f.by != "" && !strings.Contains(v.Egress.Reason+" | "+v.Ingress.Reason, f.by) {
			t.Errorf("%s -> %s %d/%s: reasons %q | %q do not mention %q",
				f.from, f.to, f.port, proto, v.Egress.Reason, v.Ingress.Reason, f.by)
		}
	}
}
