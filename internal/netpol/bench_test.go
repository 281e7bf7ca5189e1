package netpol

import (
	"fmt"
	"net/netip"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"

	"github.com/kubeposture/kubeposture/internal/synth"
)

// benchWorld is a cluster of pods pods and policies policies over pods/50 namespaces: every
// namespace a default deny, the rest allow rules mixing pod, namespace and ipBlock peers,
// numbered and named ports.
func benchWorld(pods, policies int) *world {
	w := &world{}
	nss := pods / 50
	for n := 0; n < nss; n++ {
		w.namespaces = append(w.namespaces, corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("ns-%03d", n),
			Labels: map[string]string{"kubernetes.io/metadata.name": fmt.Sprintf("ns-%03d", n), "tier": fmt.Sprint(n % 3)}}})
	}
	for i := 0; i < pods; i++ {
		ip := fmt.Sprintf("10.%d.%d.%d", i/65536, (i/256)%256, i%256)
		w.pods = append(w.pods, corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Namespace: fmt.Sprintf("ns-%03d", (i/50)%nss), Name: fmt.Sprintf("pod-%05d", i),
				Labels: map[string]string{"app": fmt.Sprintf("app-%d", i%10), "role": fmt.Sprint(i % 4)}},
			Spec:   corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: 8080}}}}},
			Status: corev1.PodStatus{PodIP: ip, PodIPs: []corev1.PodIP{{IP: ip}}},
		})
	}
	for p := 0; p < policies; p++ {
		ns := fmt.Sprintf("ns-%03d", p%nss)
		np := networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: fmt.Sprintf("p-%04d", p)}}
		if p < nss {
			np.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress}
		} else {
			np.Spec.PodSelector = metav1.LabelSelector{MatchLabels: map[string]string{"app": fmt.Sprintf("app-%d", p%10)}}
			np.Spec.Ingress = []networkingv1.NetworkPolicyIngressRule{{
				From: []networkingv1.NetworkPolicyPeer{
					{PodSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"role": fmt.Sprint(p % 4)}}},
					{NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"tier": fmt.Sprint(p % 3)}},
						PodSelector: &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "app", Operator: metav1.LabelSelectorOpExists}}}},
				},
				Ports: []networkingv1.NetworkPolicyPort{{Port: ptr.To(intstr.FromString("http"))}, {Port: ptr.To(intstr.FromInt32(443))}},
			}}
			np.Spec.Egress = []networkingv1.NetworkPolicyEgressRule{{
				To:    []networkingv1.NetworkPolicyPeer{{IPBlock: &networkingv1.IPBlock{CIDR: "0.0.0.0/0", Except: []string{"10.0.0.0/8", "169.254.0.0/16"}}}},
				Ports: []networkingv1.NetworkPolicyPort{{Port: ptr.To(intstr.FromInt32(443)), EndPort: ptr.To(int32(445))}},
			}}
		}
		w.policies = append(w.policies, np)
	}
	return w
}

// clusterAnswers is what the network checks ask of an engine: each namespace's default deny
// both ways, and for each pod its isolation and the five reachability answers.
func clusterAnswers(e *Engine, nss []corev1.Namespace, api []Target) int {
	yes := 0
	for i := range nss {
		yes += len(e.DefaultDeny(nss[i].Name, Ingress)) + len(e.DefaultDeny(nss[i].Name, Egress))
	}
	meta := MetadataTargets()
	for _, p := range e.Pods() {
		ep := e.Pod(p)
		yes += len(e.Isolating(ep, Ingress)) + len(e.Isolating(ep, Egress))
		if e.OpenToAllPods(ep).Yes {
			yes++
		}
		if e.FromOutside(ep).Yes {
			yes++
		}
		if e.Internet(ep).Yes {
			yes++
		}
		if a, _ := e.Reaches(ep, meta); a.Yes {
			yes++
		}
		if a, _ := e.Reaches(ep, api); a.Yes {
			yes++
		}
	}
	return yes
}

var sink int

// BenchmarkCluster5000x1000 builds the engine for 5,000 pods and 1,000 policies and answers
// every cluster-wide question the checks ask.
func BenchmarkCluster5000x1000(b *testing.B) {
	w := benchWorld(5000, 1000)
	api := []Target{{Addr: mustAddr("10.96.0.1"), Port: 443, Protocol: corev1.ProtocolTCP}}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		e := New(w.pods, w.namespaces, w.policies)
		sink += clusterAnswers(e, w.namespaces, api)
	}
}

// BenchmarkAllowed5000x1000 answers one pod-to-pod question on the built engine (what
// 'audit netpol' asks).
func BenchmarkAllowed5000x1000(b *testing.B) {
	w := benchWorld(5000, 1000)
	e := New(w.pods, w.namespaces, w.policies)
	src, dst := e.Pod(e.Pods()[17]), e.Pod(e.Pods()[4321])
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if e.Allowed(src, dst, 8080, corev1.ProtocolTCP).Allowed {
			sink++
		}
	}
}

// BenchmarkSynthReachability runs the cluster-wide answers over internal/synth snapshots
// (issue 9 asks for 10,000 and 100,000 pods).
func BenchmarkSynthReachability(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		s := synth.Snapshot(n)
		b.Run(fmt.Sprintf("pods=%d", n), func(b *testing.B) {
			api := APIServerTargets(s)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				e := New(s.Pods, s.Namespaces, s.NetworkPolicies)
				sink += clusterAnswers(e, s.Namespaces, api)
			}
		})
	}
}

func mustAddr(s string) netip.Addr { return netip.MustParseAddr(s) }
