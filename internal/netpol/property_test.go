package netpol

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
)

// gen builds random but valid worlds from a seed, small enough that every pair can be asked.
type gen struct{ r *rand.Rand }

var (
	genNS     = []string{"a", "b", "c"}
	genLabels = []string{"app", "tier", "team"}
	genValues = []string{"1", "2"}
	genPorts  = []struct {
		port  int32
		proto corev1.Protocol
	}{{80, corev1.ProtocolTCP}, {443, corev1.ProtocolTCP}, {8080, corev1.ProtocolTCP}, {53, corev1.ProtocolUDP}}
	genAddrs = []string{"10.0.0.1", "10.0.1.1", "192.168.1.1", "8.8.8.8", "169.254.169.254"}
)

func (g gen) labels() map[string]string {
	l := map[string]string{}
	for _, k := range genLabels {
		if g.r.IntN(2) == 0 {
			l[k] = genValues[g.r.IntN(len(genValues))]
		}
	}
	return l
}

func (g gen) selector() *metav1.LabelSelector {
	s := &metav1.LabelSelector{}
	switch g.r.IntN(4) {
	case 0: // empty: everything
	case 1, 2:
		s.MatchLabels = map[string]string{genLabels[g.r.IntN(len(genLabels))]: genValues[g.r.IntN(len(genValues))]}
	case 3:
		s.MatchExpressions = []metav1.LabelSelectorRequirement{{Key: genLabels[g.r.IntN(len(genLabels))],
			Operator: []metav1.LabelSelectorOperator{metav1.LabelSelectorOpExists, metav1.LabelSelectorOpDoesNotExist}[g.r.IntN(2)]}}
	}
	return s
}

func (g gen) peer() networkingv1.NetworkPolicyPeer {
	switch g.r.IntN(4) {
	case 0:
		return networkingv1.NetworkPolicyPeer{PodSelector: g.selector()}
	case 1:
		return networkingv1.NetworkPolicyPeer{NamespaceSelector: g.selector()}
	case 2:
		return networkingv1.NetworkPolicyPeer{PodSelector: g.selector(), NamespaceSelector: g.selector()}
	default:
		b := &networkingv1.IPBlock{CIDR: []string{"10.0.0.0/16", "0.0.0.0/0", "192.168.0.0/16", "169.254.0.0/16"}[g.r.IntN(4)]}
		if g.r.IntN(3) == 0 && b.CIDR == "10.0.0.0/16" {
			b.Except = []string{"10.0.1.0/24"}
		}
		return networkingv1.NetworkPolicyPeer{IPBlock: b}
	}
}

func (g gen) ports() []networkingv1.NetworkPolicyPort {
	var out []networkingv1.NetworkPolicyPort
	for n := g.r.IntN(3); n > 0; n-- {
		var p networkingv1.NetworkPolicyPort
		switch g.r.IntN(4) {
		case 0:
			p.Port = ptr.To(intstr.FromInt32(genPorts[g.r.IntN(len(genPorts))].port))
		case 1:
			p.Port = ptr.To(intstr.FromString("http"))
		case 2:
			p.Port, p.EndPort = ptr.To(intstr.FromInt32(80)), ptr.To(int32(443))
		case 3:
			p.Protocol = ptr.To(corev1.ProtocolUDP)
		}
		out = append(out, p)
	}
	return out
}

func (g gen) peers() []networkingv1.NetworkPolicyPeer {
	var out []networkingv1.NetworkPolicyPeer
	for n := g.r.IntN(3); n > 0; n-- {
		out = append(out, g.peer())
	}
	return out
}

func (g gen) policy(i int) networkingv1.NetworkPolicy {
	np := networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Namespace: genNS[g.r.IntN(len(genNS))], Name: fmt.Sprintf("p%d", i)},
		Spec: networkingv1.NetworkPolicySpec{PodSelector: *g.selector()}}
	switch g.r.IntN(4) {
	case 0:
		np.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeIngress}
	case 1:
		np.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeEgress}
	case 2:
		np.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress}
	} // 3: omitted, defaulted from the rules
	for n := g.r.IntN(3); n > 0; n-- {
		np.Spec.Ingress = append(np.Spec.Ingress, networkingv1.NetworkPolicyIngressRule{From: g.peers(), Ports: g.ports()})
	}
	for n := g.r.IntN(3); n > 0; n-- {
		np.Spec.Egress = append(np.Spec.Egress, networkingv1.NetworkPolicyEgressRule{To: g.peers(), Ports: g.ports()})
	}
	return np
}

func (g gen) world() *world {
	w := &world{}
	for _, ns := range genNS {
		w.namespaces = append(w.namespaces, corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns, Labels: g.labels()}})
	}
	for i := 0; i < 8; i++ {
		p := corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: genNS[g.r.IntN(len(genNS))], Name: fmt.Sprintf("pod%d", i), Labels: g.labels()},
			Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c"}}, NodeName: fmt.Sprintf("n%d", g.r.IntN(2))}}
		if g.r.IntN(2) == 0 {
			p.Spec.Containers[0].Ports = []corev1.ContainerPort{{Name: "http", ContainerPort: 8080}}
		}
		ip := fmt.Sprintf("10.0.%d.%d", g.r.IntN(2), 10+i)
		p.Status.PodIP, p.Status.PodIPs = ip, []corev1.PodIP{{IP: ip}}
		p.Spec.HostNetwork = g.r.IntN(10) == 0
		w.pods = append(w.pods, p)
	}
	for i, n := 0, g.r.IntN(5); i < n; i++ {
		w.policies = append(w.policies, g.policy(i))
	}
	return w
}

// reachable lists every allowed connection between the world's pods and a few addresses.
func reachable(t *testing.T, w *world) map[string]bool {
	t.Helper()
	e := w.engine(t)
	var eps []Endpoint
	var names []string
	for i := range w.pods {
		eps = append(eps, e.Pod(&w.pods[i]))
		names = append(names, w.pods[i].Namespace+"/"+w.pods[i].Name)
	}
	for _, a := range genAddrs {
		eps = append(eps, AddrEndpoint(netip.MustParseAddr(a)))
		names = append(names, a)
	}
	out := map[string]bool{}
	for i, src := range eps {
		for j, dst := range eps {
			if src.Pod == nil && dst.Pod == nil {
				continue
			}
			for _, p := range genPorts {
				if e.Allowed(src, dst, p.port, p.proto).Allowed {
					out[fmt.Sprintf("%s -> %s %d/%s", names[i], names[j], p.port, p.proto)] = true
				}
			}
		}
	}
	return out
}

func missing(from, in map[string]bool) []string {
	var out []string
	for k := range from {
		if !in[k] {
			out = append(out, k)
		}
	}
	return out
}

// TestProperties checks, on seeded random worlds: spelling out the defaulted policyTypes
// changes nothing; adding an allow rule to a policy (in a direction it already governs) never
// removes a reachable pair; adding a deny-all policy never adds one.
func TestProperties(t *testing.T) {
	const worlds = 400
	for seed := uint64(1); seed <= worlds; seed++ {
		g := gen{rand.New(rand.NewPCG(seed, 0x6e6574706f6c))}
		w := g.world()
		before := reachable(t, w)

		// Explicit policyTypes equal to the defaults: the same verdicts.
		explicit := *w
		explicit.policies = make([]networkingv1.NetworkPolicy, len(w.policies))
		for i := range w.policies {
			np := *w.policies[i].DeepCopy()
			np.Spec.PolicyTypes = nil
			for _, d := range []Direction{Ingress, Egress} {
				if EffectiveTypes(&w.policies[i].Spec)[d] {
					np.Spec.PolicyTypes = append(np.Spec.PolicyTypes, networkingv1.PolicyType(d))
				}
			}
			explicit.policies[i] = np
		}
		if got := reachable(t, &explicit); len(missing(got, before)) > 0 || len(missing(before, got)) > 0 {
			t.Fatalf("seed %d: explicit policyTypes changed verdicts", seed)
		}

		if len(explicit.policies) > 0 {
			grown := explicit
			grown.policies = make([]networkingv1.NetworkPolicy, len(explicit.policies))
			for i := range explicit.policies {
				grown.policies[i] = *explicit.policies[i].DeepCopy()
			}
			np := &grown.policies[g.r.IntN(len(grown.policies))]
			types := EffectiveTypes(&np.Spec)
			if types[Ingress] {
				np.Spec.Ingress = append(np.Spec.Ingress, networkingv1.NetworkPolicyIngressRule{From: g.peers(), Ports: g.ports()})
			} else {
				np.Spec.Egress = append(np.Spec.Egress, networkingv1.NetworkPolicyEgressRule{To: g.peers(), Ports: g.ports()})
			}
			if lost := missing(before, reachable(t, &grown)); len(lost) > 0 {
				t.Fatalf("seed %d: adding a rule to %s/%s removed %v", seed, np.Namespace, np.Name, lost)
			}
		}

		denied := *w
		deny := networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Namespace: genNS[g.r.IntN(len(genNS))], Name: "deny-all"},
			Spec: networkingv1.NetworkPolicySpec{PodSelector: *g.selector(),
				PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress}[:1+g.r.IntN(2)]}}
		if g.r.IntN(2) == 0 {
			deny.Spec.PolicyTypes = deny.Spec.PolicyTypes[len(deny.Spec.PolicyTypes)-1:]
		}
		denied.policies = append(append([]networkingv1.NetworkPolicy{}, w.policies...), deny)
		if gained := missing(reachable(t, &denied), before); len(gained) > 0 {
			t.Fatalf("seed %d: adding deny-all %v in %s added %v", seed, deny.Spec.PolicyTypes, deny.Namespace, gained)
		}
	}
}

// TestPropertyCanFail shows the property test would catch a rule that changes isolation:
// adding the first egress rule to a policy whose policyTypes were omitted turns it into an
// egress policy, which can remove reachable pairs (a real trap for policy authors).
func TestPropertyCanFail(t *testing.T) {
	w := base()
	w.policy(t, `
metadata: {name: p, namespace: x}
spec: {podSelector: {}}`)
	before := reachable(t, w)
	w.policies[0].Spec.Egress = []networkingv1.NetworkPolicyEgressRule{{To: []networkingv1.NetworkPolicyPeer{{IPBlock: &networkingv1.IPBlock{CIDR: "192.0.2.0/24"}}}}}
	if lost := missing(before, reachable(t, w)); len(lost) == 0 {
		t.Fatal("adding an egress rule to a policy with defaulted policyTypes removed nothing; want x's egress to close")
	}
}
