package netpol

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
)

// TestDocumentationExamples encodes the policies of the Kubernetes documentation, "Network
// Policies" (https://kubernetes.io/docs/concepts/services-networking/network-policies/), with
// the verdicts the page states for them.
func TestDocumentationExamples(t *testing.T) {
	// "The NetworkPolicy resource": test-network-policy isolates role=db in default for both
	// directions; allows in from 172.17.0.0/16 except 172.17.1.0/24, from any pod of a
	// namespace labelled project=myproject, and from role=frontend pods of default, on TCP
	// 6379; allows out to 10.0.0.0/24 on TCP 5978.
	docWorld := func() *world {
		w := &world{}
		w.ns("default").ns("myproject", "project", "myproject").ns("other")
		w.pod("default", "db", "10.244.0.10", "role=db")
		w.pod("default", "frontend", "10.244.0.11", "role=frontend")
		w.pod("default", "backend", "10.244.0.12", "role=backend")
		w.pod("myproject", "any", "10.244.1.10", "role=whatever")
		w.pod("other", "frontend", "10.244.2.10", "role=frontend")
		return w
	}
	t.Run("test-network-policy", func(t *testing.T) {
		w := docWorld().policy(t, `
metadata: {name: test-network-policy, namespace: default}
spec:
	podSelector: {matchLabels: {role: db}}
	policyTypes: [Ingress, Egress]
	ingress:
	- from:
		- ipBlock: {cidr: 172.17.0.0/16, except: [172.17.1.0/24]}
		- namespaceSelector: {matchLabels: {project: myproject}}
		- podSelector: {matchLabels: {role: frontend}}
		ports: [{protocol: TCP, port: 6379}]
	egress:
	- to: [{ipBlock: {cidr: 10.0.0.0/24}}]
		ports: [{protocol: TCP, port: 5978}]`)
		checkFlows(t, w.engine(t), []flow{
			{from: "default/frontend", to: "default/db", port: 6379, allowed: true},
			{from: "default/frontend", to: "default/db", port: 80, allowed: false},
			{from: "default/backend", to: "default/db", port: 6379, allowed: false},
			{from: "myproject/any", to: "default/db", port: 6379, allowed: true},
			{from: "other/frontend", to: "default/db", port: 6379, allowed: false},
			{from: "172.17.0.1", to: "default/db", port: 6379, allowed: true},
			{from: "172.17.1.1", to: "default/db", port: 6379, allowed: false},
			{from: "default/db", to: "10.0.0.7", port: 5978, allowed: true},
			{from: "default/db", to: "10.0.0.7", port: 80, allowed: false},
			{from: "default/db", to: "10.0.1.7", port: 5978, allowed: false},
			// The policy selects only db: other pods are unaffected.
			{from: "default/frontend", to: "default/backend", port: 80, allowed: true},
		})
	})
	// "Behavior of to and from selectors": one peer with both selectors (pods role=client in
	// namespaces user=alice) versus two peers (any pod of user=alice namespaces, or
	// role=client pods of the policy's namespace).
	t.Run("and versus or", func(t *testing.T) {
		mk := func(t *testing.T, from string) *Engine {
			w := &world{}
			w.ns("default").ns("alice", "user", "alice")
			w.pod("default", "server", "10.0.0.1", "app=server")
			w.pod("default", "client", "10.0.0.2", "role=client")
			w.pod("alice", "client", "10.0.1.2", "role=client")
			w.pod("alice", "other", "10.0.1.3", "role=other")
			return w.policy(t, `
metadata: {name: p, namespace: default}
spec:
	podSelector: {matchLabels: {app: server}}
	ingress:
	- from:`+from).engine(t)
		}
		checkFlows(t, mk(t, `
		- namespaceSelector: {matchLabels: {user: alice}}
			podSelector: {matchLabels: {role: client}}`), []flow{
			{from: "alice/client", to: "default/server", port: 80, allowed: true},
			{from: "alice/other", to: "default/server", port: 80, allowed: false},
			{from: "default/client", to: "default/server", port: 80, allowed: false},
		})
		checkFlows(t, mk(t, `
		- namespaceSelector: {matchLabels: {user: alice}}
		- podSelector: {matchLabels: {role: client}}`), []flow{
			{from: "alice/client", to: "default/server", port: 80, allowed: true},
			{from: "alice/other", to: "default/server", port: 80, allowed: true},
			{from: "default/client", to: "default/server", port: 80, allowed: true},
		})
	})
	// "Default policies": deny all ingress, allow all ingress, deny all egress, allow all
	// egress, deny all ingress and egress.
	defaults := []struct {
		name, policy string
		flows        []flow
	}{
		{"default-deny-ingress", `
metadata: {name: default-deny-ingress, namespace: default}
spec:
	podSelector: {}
	policyTypes: [Ingress]`, []flow{
			{from: "default/frontend", to: "default/db", port: 6379, allowed: false},
			{from: "other/frontend", to: "default/backend", port: 80, allowed: false},
			{from: "default/db", to: "8.8.8.8", port: 443, allowed: true}, // egress not affected
		}},
		{"allow-all-ingress", `
metadata: {name: allow-all-ingress, namespace: default}
spec:
	podSelector: {}
	ingress: [{}]
	policyTypes: [Ingress]`, []flow{
			{from: "other/frontend", to: "default/db", port: 6379, allowed: true},
			{from: "198.51.100.1", to: "default/db", port: 22, allowed: true},
		}},
		{"default-deny-egress", `
metadata: {name: default-deny-egress, namespace: default}
spec:
	podSelector: {}
	policyTypes: [Egress]`, []flow{
			{from: "default/db", to: "8.8.8.8", port: 443, allowed: false},
			{from: "default/db", to: "default/frontend", port: 80, allowed: false},
			{from: "other/frontend", to: "default/db", port: 6379, allowed: true}, // ingress not affected
		}},
		{"allow-all-egress", `
metadata: {name: allow-all-egress, namespace: default}
spec:
	podSelector: {}
	egress: [{}]
	policyTypes: [Egress]`, []flow{
			{from: "default/db", to: "8.8.8.8", port: 443, allowed: true},
			{from: "default/db", to: "other/frontend", port: 80, allowed: true},
		}},
		{"default-deny-all", `
metadata: {name: default-deny-all, namespace: default}
spec:
	podSelector: {}
	policyTypes: [Ingress, Egress]`, []flow{
			{from: "default/db", to: "8.8.8.8", port: 443, allowed: false},
			{from: "default/frontend", to: "default/db", port: 6379, allowed: false},
			{from: "other/frontend", to: "myproject/any", port: 80, allowed: true},
		}},
	}
	for _, d := range defaults {
		t.Run(d.name, func(t *testing.T) { checkFlows(t, docWorld().policy(t, d.policy).engine(t), d.flows) })
	}
	// "Targeting a range of ports": egress to 10.0.0.0/24 on TCP 32000-32768.
	t.Run("multi-port-egress", func(t *testing.T) {
		w := docWorld().policy(t, `
metadata: {name: multi-port-egress, namespace: default}
spec:
	podSelector: {matchLabels: {role: db}}
	policyTypes: [Egress]
	egress:
	- to: [{ipBlock: {cidr: 10.0.0.0/24}}]
		ports: [{protocol: TCP, port: 32000, endPort: 32768}]`)
		checkFlows(t, w.engine(t), []flow{
			{from: "default/db", to: "10.0.0.5", port: 32000, allowed: true},
			{from: "default/db", to: "10.0.0.5", port: 32768, allowed: true},
			{from: "default/db", to: "10.0.0.5", port: 32769, allowed: false},
			{from: "default/db", to: "10.0.0.5", port: 32500, proto: corev1.ProtocolUDP, allowed: false},
		})
	})
	// "Targeting multiple namespaces by label" through the automatic
	// kubernetes.io/metadata.name label.
	t.Run("namespace name label", func(t *testing.T) {
		w := docWorld().policy(t, `
metadata: {name: egress-namespaces, namespace: default}
spec:
	podSelector: {matchLabels: {role: db}}
	policyTypes: [Egress]
	egress:
	- to: [{namespaceSelector: {matchExpressions: [{key: kubernetes.io/metadata.name, operator: In, values: [myproject]}]}}]`)
		checkFlows(t, w.engine(t), []flow{
			{from: "default/db", to: "myproject/any", port: 80, allowed: true},
			{from: "default/db", to: "other/frontend", port: 80, allowed: false},
		})
	})
}

// TestPolicyAssistantExamples encodes cases of the network-policy-api project's
// policy-assistant (kubernetes-sigs/network-policy-api,
// cmd/policy-assistant/pkg/matcher/policy_tests.go) with the verdicts it asserts.
func TestPolicyAssistantExamples(t *testing.T) {
	w := &world{}
	w.ns("x", "ns", "x").ns("y", "ns", "y")
	w.pod("x", "a", "1.2.3.5", "pod=a", "port:port-hello=8080/TCP")
	w.pod("y", "a", "1.2.3.4", "pod=a")
	w.pod("y", "b", "192.168.242.249", "pod=b")
	t.Run("allowing a protocol implicitly denies the others", func(t *testing.T) {
		e := (&world{namespaces: w.namespaces, pods: w.pods}).policy(t, `
metadata: {name: policy-207, namespace: x}
spec:
	ingress: [{ports: [{protocol: SCTP}]}]
	podSelector: {}
	policyTypes: [Ingress]`).engine(t)
		checkFlows(t, e, []flow{
			{from: "y/a", to: "x/a", port: 103, allowed: false},
			{from: "y/a", to: "x/a", port: 103, proto: corev1.ProtocolSCTP, allowed: true},
			{from: "1.2.3.4", to: "x/a", port: 103, allowed: false},
			{from: "1.2.3.4", to: "x/a", port: 103, proto: corev1.ProtocolSCTP, allowed: true},
		})
	})
	t.Run("egress to ips", func(t *testing.T) {
		// The source pod is y/a relabelled into x in the original; here x/a is pod=a.
		e := (&world{namespaces: w.namespaces, pods: w.pods}).policy(t, `
metadata: {name: vary-egress-37-0-0-0-19, namespace: x}
spec:
	egress:
	- ports: [{port: 80, protocol: TCP}]
		to: [{podSelector: {}}, {ipBlock: {cidr: 192.168.242.213/24}}]
	- ports: [{port: 53, protocol: UDP}]
	podSelector: {matchLabels: {pod: a}}
	policyTypes: [Egress]`).engine(t)
		checkFlows(t, e, []flow{
			{from: "x/a", to: "y/b", port: 80, allowed: true},
			{from: "x/a", to: "y/b", port: 81, allowed: false},
			{from: "x/a", to: "y/a", port: 80, allowed: false}, // 1.2.3.4 is outside the block, y is not x
			{from: "x/a", to: "9.9.9.9", port: 53, proto: corev1.ProtocolUDP, allowed: true},
		})
	})
	t.Run("ingress to a named port", func(t *testing.T) {
		e := (&world{namespaces: w.namespaces, pods: w.pods}).policy(t, `
metadata: {name: abc, namespace: x}
spec:
	ingress: [{ports: [{port: port-hello, protocol: TCP}]}]
	podSelector: {matchLabels: {pod: a}}
	policyTypes: [Ingress]`).engine(t)
		checkFlows(t, e, []flow{
			{from: "1.2.3.4", to: "x/a", port: 8080, allowed: true},
			{from: "1.2.3.4", to: "x/a", port: 8081, allowed: false},
		})
	})
}
