package netpol

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
)

// The upstream conformance tests of NetworkPolicy (kubernetes/kubernetes
// test/e2e/network/netpol/network_policy.go, "Netpol NetworkPolicy between server and
// client") run pods a, b, c in namespaces x, y, z, each serving ports 80 and 81 over TCP, UDP
// and SCTP under the names serve-80-tcp, serve-81-udp, ..., and assert a truth table of every
// pod pair (loopback ignored, as upstream does). Their policies set policyTypes explicitly
// (SetSpecIngressRules / SetSpecEgressRules in test/e2e/network/netpol/policies.go). The
// cases below are theirs, policy for policy, with the same expected tables; the engine must
// reproduce every cell.

var confNS, confPods = []string{"x", "y", "z"}, []string{"a", "b", "c"}

func confWorld() *world {
	w := &world{}
	for ni, ns := range confNS {
		w.ns(ns)
		for pi, p := range confPods {
			pod := corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: p, Labels: map[string]string{"pod": p}},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c"}}}}
			for _, port := range []int32{80, 81} {
				for _, proto := range []corev1.Protocol{corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP} {
					pod.Spec.Containers[0].Ports = append(pod.Spec.Containers[0].Ports, corev1.ContainerPort{
						Name: fmt.Sprintf("serve-%d-%s", port, strings.ToLower(string(proto))), ContainerPort: port, Protocol: proto})
				}
			}
			ip := fmt.Sprintf("10.0.%d.%d", ni, 10+pi)
			pod.Status.PodIP, pod.Status.PodIPs = ip, []corev1.PodIP{{IP: ip}}
			w.pods = append(w.pods, pod)
		}
	}
	return w
}

// reach is a truth table "ns/pod -> ns/pod", every cell true until an expectation changes it.
type reach map[string]bool

func newReach() reach {
	r := reach{}
	for _, f := range allPods() {
		for _, t := range allPods() {
			r[f+" "+t] = true
		}
	}
	return r
}

func allPods() []string {
	var out []string
	for _, ns := range confNS {
		for _, p := range confPods {
			out = append(out, ns+"/"+p)
		}
	}
	return out
}

// peer sets every cell whose source matches from and destination matches to; an empty
// namespace or pod matches all, as upstream's Peer does.
func (r reach) peer(fromNS, fromPod, toNS, toPod string, v bool) reach {
	match := func(s, ns, pod string) bool {
		n, p, _ := strings.Cut(s, "/")
		return (ns == "" || ns == n) && (pod == "" || pod == p)
	}
	for _, f := range allPods() {
		for _, t := range allPods() {
			if match(f, fromNS, fromPod) && match(t, toNS, toPod) {
				r[f+" "+t] = v
			}
		}
	}
	return r
}

func (r reach) allIngress(to string, v bool) reach {
	ns, p, _ := strings.Cut(to, "/")
	return r.peer("", "", ns, p, v)
}

func (r reach) allEgress(from string, v bool) reach {
	ns, p, _ := strings.Cut(from, "/")
	return r.peer(ns, p, "", "", v)
}

func (r reach) one(from, to string, v bool) reach {
	r[from+" "+to] = v
	return r
}

// Policy builders in the style of upstream's GenNetworkPolicyWithNameAndPodMatchLabel.
type polOpt func(*networkingv1.NetworkPolicy)

func pol(ns, name string, target map[string]string, opts ...polOpt) networkingv1.NetworkPolicy {
	np := networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: networkingv1.NetworkPolicySpec{PodSelector: metav1.LabelSelector{MatchLabels: target}}}
	for _, o := range opts {
		o(&np)
	}
	return np
}

func ingress(rules ...networkingv1.NetworkPolicyIngressRule) polOpt {
	return func(np *networkingv1.NetworkPolicy) {
		if np.Spec.Ingress == nil {
			np.Spec.Ingress = []networkingv1.NetworkPolicyIngressRule{}
			np.Spec.PolicyTypes = append(np.Spec.PolicyTypes, networkingv1.PolicyTypeIngress)
		}
		np.Spec.Ingress = append(np.Spec.Ingress, rules...)
	}
}

func egress(rules ...networkingv1.NetworkPolicyEgressRule) polOpt {
	return func(np *networkingv1.NetworkPolicy) {
		if np.Spec.Egress == nil {
			np.Spec.Egress = []networkingv1.NetworkPolicyEgressRule{}
			np.Spec.PolicyTypes = append(np.Spec.PolicyTypes, networkingv1.PolicyTypeEgress)
		}
		np.Spec.Egress = append(np.Spec.Egress, rules...)
	}
}

func sel(kv ...string) *metav1.LabelSelector {
	s := &metav1.LabelSelector{MatchLabels: map[string]string{}}
	for i := 0; i+1 < len(kv); i += 2 {
		s.MatchLabels[kv[i]] = kv[i+1]
	}
	return s
}

func expr(key string, op metav1.LabelSelectorOperator, values ...string) *metav1.LabelSelector {
	return &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: key, Operator: op, Values: values}}}
}

func nsName(ns string) *metav1.LabelSelector { return sel("kubernetes.io/metadata.name", ns) }

func port(p int32) networkingv1.NetworkPolicyPort {
	return networkingv1.NetworkPolicyPort{Port: ptr.To(intstr.FromInt32(p)), Protocol: ptr.To(corev1.ProtocolTCP)}
}

func named(n string) networkingv1.NetworkPolicyPort {
	return networkingv1.NetworkPolicyPort{Port: ptr.To(intstr.FromString(n))}
}

type confStep struct {
	port  int32
	proto corev1.Protocol
	want  reach
}

func TestUpstreamConformance(t *testing.T) {
	tcp, udp := corev1.ProtocolTCP, corev1.ProtocolUDP
	all := map[string]string{}
	a := map[string]string{"pod": "a"}
	tests := []struct {
		name     string
		policies []networkingv1.NetworkPolicy
		steps    []confStep
	}{
		{"should support a 'default-deny-ingress' policy",
			[]networkingv1.NetworkPolicy{pol("x", "deny-ingress", nil, ingress())},
			[]confStep{{80, tcp, newReach().peer("", "", "x", "", false)}}},
		{"should support a 'default-deny-all' policy",
			[]networkingv1.NetworkPolicy{pol("x", "deny-all", nil, ingress(), egress())},
			[]confStep{{80, tcp, newReach().peer("", "", "x", "", false).peer("x", "", "", "", false)}}},
		{"should enforce policy to allow traffic from pods within server namespace based on PodSelector",
			[]networkingv1.NetworkPolicy{pol("x", "x-a-allows-x-b", a, ingress(networkingv1.NetworkPolicyIngressRule{
				From: []networkingv1.NetworkPolicyPeer{{PodSelector: sel("pod", "b")}}}))},
			[]confStep{{80, tcp, newReach().allIngress("x/a", false).one("x/b", "x/a", true)}}},
		{"should enforce policy to allow ingress traffic for a target",
			[]networkingv1.NetworkPolicy{pol("x", "deny-all", nil, ingress()), pol("x", "allow-all-to-a", a, ingress(networkingv1.NetworkPolicyIngressRule{
				From: []networkingv1.NetworkPolicyPeer{{PodSelector: &metav1.LabelSelector{}, NamespaceSelector: &metav1.LabelSelector{}}}}))},
			[]confStep{{80, tcp, newReach().allIngress("x/a", true).allIngress("x/b", false).allIngress("x/c", false)}}},
		{"should enforce policy to allow ingress traffic from pods in all namespaces",
			[]networkingv1.NetworkPolicy{pol("x", "allow-from-another-ns", a, ingress(networkingv1.NetworkPolicyIngressRule{
				From: []networkingv1.NetworkPolicyPeer{{NamespaceSelector: sel()}}}))},
			[]confStep{{80, tcp, newReach()}}},
		{"should enforce policy to allow traffic only from a different namespace, based on NamespaceSelector",
			[]networkingv1.NetworkPolicy{pol("x", "allow-client-a-via-ns-selector", a, ingress(networkingv1.NetworkPolicyIngressRule{
				From: []networkingv1.NetworkPolicyPeer{{NamespaceSelector: nsName("y")}}}))},
			[]confStep{{80, tcp, newReach().peer("x", "", "x", "a", false).peer("z", "", "x", "a", false)}}},
		{"should enforce policy based on PodSelector with MatchExpressions",
			[]networkingv1.NetworkPolicy{pol("x", "x-a-allows-x-b", a, ingress(networkingv1.NetworkPolicyIngressRule{
				From: []networkingv1.NetworkPolicyPeer{{PodSelector: expr("pod", metav1.LabelSelectorOpIn, "b")}}}))},
			[]confStep{{80, tcp, newReach().allIngress("x/a", false).one("x/b", "x/a", true)}}},
		{"should enforce policy based on NamespaceSelector with MatchExpressions",
			[]networkingv1.NetworkPolicy{pol("x", "allow-ns-y-match-selector", a, ingress(networkingv1.NetworkPolicyIngressRule{
				From: []networkingv1.NetworkPolicyPeer{{NamespaceSelector: expr("kubernetes.io/metadata.name", metav1.LabelSelectorOpIn, "y")}}}))},
			[]confStep{{80, tcp, newReach().peer("x", "", "x", "a", false).peer("z", "", "x", "a", false)}}},
		{"should enforce policy based on PodSelector or NamespaceSelector",
			[]networkingv1.NetworkPolicy{pol("x", "allow-ns-y-match-selector", a, ingress(networkingv1.NetworkPolicyIngressRule{
				From: []networkingv1.NetworkPolicyPeer{{NamespaceSelector: expr("kubernetes.io/metadata.name", metav1.LabelSelectorOpNotIn, "x")},
					{PodSelector: sel("pod", "b")}}}))},
			[]confStep{{80, tcp, newReach().one("x/a", "x/a", false).one("x/c", "x/a", false)}}},
		{"should enforce policy based on PodSelector and NamespaceSelector",
			[]networkingv1.NetworkPolicy{pol("x", "allow-ns-y-podselector-and-nsselector", a, ingress(networkingv1.NetworkPolicyIngressRule{
				From: []networkingv1.NetworkPolicyPeer{{NamespaceSelector: expr("kubernetes.io/metadata.name", metav1.LabelSelectorOpNotIn, "x"),
					PodSelector: sel("pod", "b")}}}))},
			[]confStep{{80, tcp, newReach().allIngress("x/a", false).one("y/b", "x/a", true).one("z/b", "x/a", true)}}},
		{"should enforce policy based on Multiple PodSelectors and NamespaceSelectors",
			[]networkingv1.NetworkPolicy{pol("x", "allow-ns-y-z-pod-b-c", a, ingress(networkingv1.NetworkPolicyIngressRule{
				From: []networkingv1.NetworkPolicyPeer{{NamespaceSelector: expr("kubernetes.io/metadata.name", metav1.LabelSelectorOpNotIn, "x"),
					PodSelector: expr("pod", metav1.LabelSelectorOpIn, "b", "c")}}}))},
			[]confStep{{80, tcp, newReach().peer("x", "", "x", "a", false).peer("y", "a", "x", "a", false).peer("z", "a", "x", "a", false)}}},
		{"should enforce policy based on any PodSelectors",
			[]networkingv1.NetworkPolicy{pol("x", "allow-ns-x-pod-b-c", a, ingress(networkingv1.NetworkPolicyIngressRule{
				From: []networkingv1.NetworkPolicyPeer{{PodSelector: sel("pod", "b")}, {PodSelector: sel("pod", "c")}}}))},
			[]confStep{{80, tcp, newReach().allIngress("x/a", false).one("x/b", "x/a", true).one("x/c", "x/a", true)}}},
		{"should enforce policy to allow traffic only from a pod in a different namespace based on PodSelector and NamespaceSelector",
			[]networkingv1.NetworkPolicy{pol("x", "allow-ns-y-pod-a-via-namespace-pod-selector", a, ingress(networkingv1.NetworkPolicyIngressRule{
				From: []networkingv1.NetworkPolicyPeer{{NamespaceSelector: nsName("y"), PodSelector: sel("pod", "a")}}}))},
			[]confStep{{80, tcp, newReach().allIngress("x/a", false).one("y/a", "x/a", true)}}},
		{"should enforce policy based on Ports",
			[]networkingv1.NetworkPolicy{pol("x", "allow-client-a-via-ns-selector", a, ingress(networkingv1.NetworkPolicyIngressRule{
				From: []networkingv1.NetworkPolicyPeer{{NamespaceSelector: nsName("y")}}, Ports: []networkingv1.NetworkPolicyPort{port(81)}}))},
			[]confStep{{81, tcp, newReach().peer("x", "", "x", "a", false).peer("z", "", "x", "a", false)}}},
		{"should enforce multiple, stacked policies with overlapping podSelectors",
			[]networkingv1.NetworkPolicy{
				pol("x", "allow-client-a-via-ns-selector", a, ingress(networkingv1.NetworkPolicyIngressRule{
					From: []networkingv1.NetworkPolicyPeer{{NamespaceSelector: nsName("y")}}, Ports: []networkingv1.NetworkPolicyPort{port(81)}})),
				pol("x", "allow-client-a-via-ns-selector-80", a, ingress(networkingv1.NetworkPolicyIngressRule{
					From: []networkingv1.NetworkPolicyPeer{{NamespaceSelector: nsName("y")}}, Ports: []networkingv1.NetworkPolicyPort{port(80)}}))},
			[]confStep{
				{81, tcp, newReach().peer("x", "", "x", "a", false).peer("z", "", "x", "a", false)},
				{80, tcp, newReach().peer("x", "", "x", "a", false).peer("z", "", "x", "a", false)}}},
		{"should support allow-all policy",
			[]networkingv1.NetworkPolicy{pol("x", "allow-all", all, ingress(networkingv1.NetworkPolicyIngressRule{}))},
			[]confStep{{80, tcp, newReach()}, {81, tcp, newReach()}}},
		{"should allow ingress access on one named port",
			[]networkingv1.NetworkPolicy{pol("x", "allow-all", all, ingress(networkingv1.NetworkPolicyIngressRule{
				Ports: []networkingv1.NetworkPolicyPort{named("serve-81-tcp")}}))},
			[]confStep{{81, tcp, newReach()}, {80, tcp, newReach().peer("", "", "x", "", false)}}},
		{"should allow ingress access from namespace on one named port",
			[]networkingv1.NetworkPolicy{pol("x", "allow-client-a-via-ns-selector-80", a, ingress(networkingv1.NetworkPolicyIngressRule{
				From:  []networkingv1.NetworkPolicyPeer{{NamespaceSelector: nsName("y")}},
				Ports: []networkingv1.NetworkPolicyPort{{Port: ptr.To(intstr.FromString("serve-80-tcp")), Protocol: ptr.To(tcp)}}}))},
			[]confStep{
				{80, tcp, newReach().peer("x", "", "x", "a", false).peer("z", "", "x", "a", false)},
				{81, tcp, newReach().allIngress("x/a", false)}}},
		{"should allow egress access on one named port",
			[]networkingv1.NetworkPolicy{pol("x", "allow-egress", all, egress(networkingv1.NetworkPolicyEgressRule{
				Ports: []networkingv1.NetworkPolicyPort{named("serve-80-tcp")}}))},
			[]confStep{{80, tcp, newReach()}, {81, tcp, newReach().peer("x", "", "", "", false)}}},
		{"should enforce egress policy allowing traffic to a server in a different namespace based on PodSelector and NamespaceSelector",
			[]networkingv1.NetworkPolicy{pol("x", "allow-to-ns-y-pod-a", a, egress(networkingv1.NetworkPolicyEgressRule{
				To: []networkingv1.NetworkPolicyPeer{{NamespaceSelector: nsName("y"), PodSelector: sel("pod", "a")}}}))},
			[]confStep{{80, tcp, newReach().allEgress("x/a", false).one("x/a", "y/a", true)}}},
		{"egress from x/a to y/a combined with ingress policies on y/a and y/b",
			[]networkingv1.NetworkPolicy{
				pol("x", "allow-to-ns-y-pod-a", a, egress(networkingv1.NetworkPolicyEgressRule{
					To: []networkingv1.NetworkPolicyPeer{{NamespaceSelector: nsName("y"), PodSelector: sel("pod", "a")}}})),
				pol("y", "allow-from-xa-on-ya-match-selector", a, ingress(networkingv1.NetworkPolicyIngressRule{
					From: []networkingv1.NetworkPolicyPeer{{NamespaceSelector: nsName("x"), PodSelector: sel("pod", "a")}}})),
				pol("y", "allow-from-xa-on-yb-match-selector", map[string]string{"pod": "b"}, ingress(networkingv1.NetworkPolicyIngressRule{
					From: []networkingv1.NetworkPolicyPeer{{NamespaceSelector: nsName("x"), PodSelector: sel("pod", "a")}}}))},
			[]confStep{{80, tcp, newReach().peer("x", "a", "", "", false).peer("", "", "y", "a", false).
				peer("x", "a", "y", "a", true).peer("", "", "y", "b", false)}}},
		{"should enforce ingress policy allowing any port traffic to a server on a specific protocol",
			[]networkingv1.NetworkPolicy{pol("x", "allow-ingress-by-proto", a, ingress(networkingv1.NetworkPolicyIngressRule{
				Ports: []networkingv1.NetworkPolicyPort{{Protocol: ptr.To(tcp)}}}))},
			[]confStep{{80, tcp, newReach()}, {80, udp, newReach().peer("", "", "x", "a", false)}}},
		{"should enforce multiple ingress policies with ingress allow-all policy taking precedence",
			[]networkingv1.NetworkPolicy{
				pol("x", "allow-ingress-port-80", all, ingress(networkingv1.NetworkPolicyIngressRule{Ports: []networkingv1.NetworkPolicyPort{{Port: ptr.To(intstr.FromInt32(80))}}})),
				pol("x", "allow-ingress", all, ingress(networkingv1.NetworkPolicyIngressRule{}))},
			[]confStep{{81, tcp, newReach()}}},
		{"should enforce multiple egress policies with egress allow-all policy taking precedence",
			[]networkingv1.NetworkPolicy{
				pol("x", "allow-egress-port-80", all, egress(networkingv1.NetworkPolicyEgressRule{Ports: []networkingv1.NetworkPolicyPort{{Port: ptr.To(intstr.FromInt32(80))}}})),
				pol("x", "allow-egress", all, egress(networkingv1.NetworkPolicyEgressRule{}))},
			[]confStep{{81, tcp, newReach()}}},
		{"should allow egress access to server in CIDR block",
			[]networkingv1.NetworkPolicy{pol("x", "allow-client-a-via-cidr-egress-rule", a, egress(networkingv1.NetworkPolicyEgressRule{
				To: []networkingv1.NetworkPolicyPeer{{IPBlock: &networkingv1.IPBlock{CIDR: "10.0.1.11/32"}}}}))}, // y/b
			[]confStep{{80, tcp, newReach().allEgress("x/a", false).one("x/a", "y/b", true)}}},
		{"should enforce except clause while egress access to server in CIDR block",
			[]networkingv1.NetworkPolicy{pol("x", "allow-client-a-via-cidr-egress-rule", a, egress(networkingv1.NetworkPolicyEgressRule{
				To: []networkingv1.NetworkPolicyPeer{{IPBlock: &networkingv1.IPBlock{CIDR: "10.0.0.0/16", Except: []string{"10.0.0.11/32"}}}}}))}, // x/b
			[]confStep{{80, tcp, newReach().one("x/a", "x/b", false)}}},
		{"should ensure an IP overlapping both IPBlock.CIDR and IPBlock.Except is allowed (after the update)",
			// Upstream updates the policy in place: only the second rule remains.
			[]networkingv1.NetworkPolicy{pol("x", "allow-client-a-via-cidr-egress-rule", a, egress(networkingv1.NetworkPolicyEgressRule{
				To: []networkingv1.NetworkPolicyPeer{{IPBlock: &networkingv1.IPBlock{CIDR: "10.0.0.11/32"}}}}))},
			[]confStep{{80, tcp, newReach().allEgress("x/a", false).one("x/a", "x/b", true)}}},
		{"should stop enforcing policies after they are deleted (after the deletion)", nil,
			[]confStep{{80, tcp, newReach()}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := confWorld()
			w.policies = tt.policies
			e := w.engine(t)
			for _, st := range tt.steps {
				var wrong []string
				for _, f := range allPods() {
					for _, to := range allPods() {
						if f == to {
							continue // loopback is left undefined upstream (kubernetes#95879)
						}
						v := e.Allowed(ep(t, e, f), ep(t, e, to), st.port, st.proto)
						if v.Allowed != st.want[f+" "+to] {
							wrong = append(wrong, fmt.Sprintf("%s -> %s: allowed=%v, want %v (egress: %s; ingress: %s)",
								f, to, v.Allowed, st.want[f+" "+to], v.Egress.Reason, v.Ingress.Reason))
						}
					}
				}
				sort.Strings(wrong)
				for _, s := range wrong {
					t.Errorf("port %d/%s: %s", st.port, st.proto, s)
				}
			}
		})
	}
}
