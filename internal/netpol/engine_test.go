package netpol

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
)

// base is two namespaces with two pods each, and an outside address to talk to.
func base() *world {
	w := &world{}
	w.ns("x", "team", "a").ns("y", "team", "b")
	w.pod("x", "a", "10.1.0.1", "app=a", "port:http=8080/TCP", "port:dns=53/UDP", "node=n1")
	w.pod("x", "b", "10.1.0.2", "app=b", "node=n2")
	w.pod("y", "a", "10.2.0.1", "app=a", "node=n1")
	w.pod("y", "c", "10.2.0.3", "app=c", "node=n2")
	return w
}

// TestSemantics has one group per rule of the API reference; each names the rule it proves.
func TestSemantics(t *testing.T) {
	tests := []struct {
		name     string
		policies []string
		flows    []flow
	}{
		{
			name: "no policy: nothing is isolated, everything is allowed",
			flows: []flow{
				{from: "x/a", to: "y/c", port: 80, allowed: true, by: "no NetworkPolicy selects the pod"},
				{from: "203.0.113.9", to: "x/a", port: 22, allowed: true},
				{from: "x/a", to: "8.8.8.8", port: 53, proto: corev1.ProtocolUDP, allowed: true},
			},
		},
		{
			name: "policyTypes omitted, no rules: Ingress only (ingress absent denies, egress untouched)",
			policies: []string{`
metadata: {name: deny, namespace: x}
spec:
	podSelector: {}`},
			flows: []flow{
				{from: "y/a", to: "x/a", port: 80, allowed: false, by: "isolated for Ingress by x/deny"},
				{from: "x/a", to: "x/b", port: 80, allowed: false},
				{from: "x/a", to: "y/a", port: 80, allowed: true},
				{from: "x/a", to: "8.8.8.8", port: 443, allowed: true},
			},
		},
		{
			name: "policyTypes omitted with egress rules: Ingress and Egress",
			policies: []string{`
metadata: {name: eg, namespace: x}
spec:
	podSelector: {matchLabels: {app: a}}
	egress:
	- to: [{podSelector: {matchLabels: {app: b}}}]`},
			flows: []flow{
				{from: "x/a", to: "x/b", port: 80, allowed: true, by: "x/eg spec.egress[0]"},
				{from: "x/a", to: "y/a", port: 80, allowed: false, by: "isolated for Egress by x/eg"},
				{from: "x/b", to: "x/a", port: 80, allowed: false, by: "isolated for Ingress by x/eg"},
				{from: "x/b", to: "y/a", port: 80, allowed: true}, // x/b is not selected
			},
		},
		{
			name: "policyTypes omitted, egress: [] : egress stays open (an empty list is no egress section)",
			policies: []string{`
metadata: {name: p, namespace: x}
spec:
	podSelector: {}
	egress: []`},
			flows: []flow{
				{from: "x/a", to: "8.8.8.8", port: 443, allowed: true},
				{from: "y/a", to: "x/a", port: 443, allowed: false},
			},
		},
		{
			name: "policyTypes [Egress] only: ingress untouched, egress denied",
			policies: []string{`
metadata: {name: deny-egress, namespace: x}
spec:
	podSelector: {}
	policyTypes: [Egress]`},
			flows: []flow{
				{from: "y/a", to: "x/a", port: 80, allowed: true},
				{from: "x/a", to: "y/a", port: 80, allowed: false, by: "isolated for Egress by x/deny-egress"},
				{from: "x/a", to: "x/b", port: 80, allowed: false},
			},
		},
		{
			name: "policyTypes [Ingress] ignores egress rules",
			policies: []string{`
metadata: {name: p, namespace: x}
spec:
	podSelector: {}
	policyTypes: [Ingress]
	egress: [{to: [{ipBlock: {cidr: 10.9.0.0/16}}]}]`},
			flows: []flow{
				{from: "x/a", to: "8.8.8.8", port: 443, allowed: true},
			},
		},
		{
			name: "ingress: [] denies all ingress",
			policies: []string{`
metadata: {name: p, namespace: x}
spec:
	podSelector: {}
	policyTypes: [Ingress]
	ingress: []`},
			flows: []flow{
				{from: "x/b", to: "x/a", port: 80, allowed: false},
				{from: "203.0.113.9", to: "x/a", port: 80, allowed: false},
			},
		},
		{
			name: "ingress: [{}] allows every source on every port",
			policies: []string{`
metadata: {name: p, namespace: x}
spec:
	podSelector: {}
	policyTypes: [Ingress]
	ingress: [{}]`},
			flows: []flow{
				{from: "y/c", to: "x/a", port: 80, allowed: true, by: "x/p spec.ingress[0]"},
				{from: "203.0.113.9", to: "x/a", port: 5000, proto: corev1.ProtocolUDP, allowed: true},
			},
		},
		{
			name: "podSelector peer alone: the policy's own namespace only",
			policies: []string{`
metadata: {name: p, namespace: x}
spec:
	podSelector: {matchLabels: {app: a}}
	ingress: [{from: [{podSelector: {matchLabels: {app: a}}}, {podSelector: {matchLabels: {app: b}}}]}]`},
			flows: []flow{
				{from: "x/b", to: "x/a", port: 80, allowed: true},
				{from: "y/a", to: "x/a", port: 80, allowed: false}, // app=a, but in y
			},
		},
		{
			name: "namespaceSelector peer alone: every pod of the selected namespaces",
			policies: []string{`
metadata: {name: p, namespace: x}
spec:
	podSelector: {matchLabels: {app: a}}
	ingress: [{from: [{namespaceSelector: {matchLabels: {team: b}}}]}]`},
			flows: []flow{
				{from: "y/a", to: "x/a", port: 80, allowed: true},
				{from: "y/c", to: "x/a", port: 80, allowed: true},
				{from: "x/b", to: "x/a", port: 80, allowed: false}, // own namespace is team=a
			},
		},
		{
			name: "namespaceSelector and podSelector in one peer are ANDed",
			policies: []string{`
metadata: {name: p, namespace: x}
spec:
	podSelector: {matchLabels: {app: a}}
	ingress: [{from: [{namespaceSelector: {matchLabels: {team: b}}, podSelector: {matchLabels: {app: c}}}]}]`},
			flows: []flow{
				{from: "y/c", to: "x/a", port: 80, allowed: true},
				{from: "y/a", to: "x/a", port: 80, allowed: false},
				{from: "x/b", to: "x/a", port: 80, allowed: false},
			},
		},
		{
			name: "namespaceSelector and podSelector as separate peers are ORed",
			policies: []string{`
metadata: {name: p, namespace: x}
spec:
	podSelector: {matchLabels: {app: a}}
	ingress: [{from: [{namespaceSelector: {matchLabels: {team: b}}}, {podSelector: {matchLabels: {app: c}}}]}]`},
			flows: []flow{
				{from: "y/c", to: "x/a", port: 80, allowed: true},
				{from: "y/a", to: "x/a", port: 80, allowed: true}, // any pod of y
				{from: "x/b", to: "x/a", port: 80, allowed: false},
			},
		},
		{
			name: "empty namespaceSelector: every namespace; matchExpressions work",
			policies: []string{`
metadata: {name: p, namespace: x}
spec:
	podSelector: {matchExpressions: [{key: app, operator: In, values: [a]}]}
	ingress: [{from: [{namespaceSelector: {}, podSelector: {matchExpressions: [{key: app, operator: NotIn, values: [c]}]}}]}]`},
			flows: []flow{
				{from: "y/a", to: "x/a", port: 80, allowed: true},
				{from: "x/b", to: "x/a", port: 80, allowed: true},
				{from: "y/c", to: "x/a", port: 80, allowed: false},
				{from: "x/a", to: "x/b", port: 80, allowed: true}, // x/b not selected
			},
		},
		{
			name: "ipBlock with except",
			policies: []string{`
metadata: {name: p, namespace: x}
spec:
	podSelector: {matchLabels: {app: a}}
	policyTypes: [Ingress, Egress]
	ingress: [{from: [{ipBlock: {cidr: 172.17.0.0/16, except: [172.17.1.0/24]}}]}]
	egress: [{to: [{ipBlock: {cidr: "2001:db8::/32", except: ["2001:db8:1::/48"]}}]}]`},
			flows: []flow{
				{from: "172.17.0.5", to: "x/a", port: 80, allowed: true},
				{from: "172.17.1.5", to: "x/a", port: 80, allowed: false},
				{from: "172.18.0.5", to: "x/a", port: 80, allowed: false},
				{from: "x/a", to: "2001:db8:2::1", port: 443, allowed: true},
				{from: "x/a", to: "2001:db8:1::1", port: 443, allowed: false},
				{from: "x/a", to: "10.0.0.1", port: 443, allowed: false},
			},
		},
		{
			name: "ipBlock matches pod addresses when known",
			policies: []string{`
metadata: {name: p, namespace: x}
spec:
	podSelector: {matchLabels: {app: a}}
	ingress: [{from: [{ipBlock: {cidr: 10.2.0.0/24, except: [10.2.0.3/32]}}]}]`},
			flows: []flow{
				{from: "y/a", to: "x/a", port: 80, allowed: true},
				{from: "y/c", to: "x/a", port: 80, allowed: false},
			},
		},
		{
			name: "ports: protocol defaults to TCP, port absent matches all of the protocol, endPort is inclusive",
			policies: []string{`
metadata: {name: p, namespace: x}
spec:
	podSelector: {matchLabels: {app: a}}
	ingress:
	- ports: [{port: 443}, {protocol: UDP}, {protocol: TCP, port: 32000, endPort: 32768}]`},
			flows: []flow{
				{from: "y/a", to: "x/a", port: 443, allowed: true},
				{from: "y/a", to: "x/a", port: 443, proto: corev1.ProtocolSCTP, allowed: false},
				{from: "y/a", to: "x/a", port: 9999, proto: corev1.ProtocolUDP, allowed: true},
				{from: "y/a", to: "x/a", port: 32000, allowed: true},
				{from: "y/a", to: "x/a", port: 32768, allowed: true},
				{from: "y/a", to: "x/a", port: 32769, allowed: false},
				{from: "y/a", to: "x/a", port: 31999, allowed: false},
				{from: "y/a", to: "x/a", port: 80, allowed: false},
			},
		},
		{
			name: "named ports resolve against the destination pod's container ports and protocol",
			policies: []string{`
metadata: {name: in, namespace: x}
spec:
	podSelector: {}
	ingress: [{ports: [{port: http}, {port: dns, protocol: UDP}]}]`, `
metadata: {name: out, namespace: "y"}
spec:
	podSelector: {}
	policyTypes: [Egress]
	egress: [{ports: [{port: http}]}]`},
			flows: []flow{
				{from: "x/b", to: "x/a", port: 8080, allowed: true, by: "x/in spec.ingress[0]"},
				{from: "x/b", to: "x/a", port: 80, allowed: false},
				{from: "x/b", to: "x/a", port: 53, proto: corev1.ProtocolUDP, allowed: true},
				{from: "x/b", to: "x/a", port: 53, allowed: false},       // dns is UDP
				{from: "x/a", to: "x/b", port: 8080, allowed: false},     // x/b has no port named http
				{from: "y/a", to: "x/a", port: 8080, allowed: true},      // egress named port resolved on x/a
				{from: "y/a", to: "8.8.8.8", port: 8080, allowed: false}, // no pod to resolve http on
			},
		},
		{
			name: "policies are a union: one allowing rule is enough, rules of other pods' policies do not count",
			policies: []string{`
metadata: {name: deny, namespace: x}
spec:
	podSelector: {}
	policyTypes: [Ingress]`, `
metadata: {name: allow-b, namespace: x}
spec:
	podSelector: {matchLabels: {app: a}}
	ingress: [{from: [{podSelector: {matchLabels: {app: b}}}]}]`},
			flows: []flow{
				{from: "x/b", to: "x/a", port: 80, allowed: true, by: "x/allow-b spec.ingress[0]"},
				{from: "x/a", to: "x/b", port: 80, allowed: false, by: "isolated for Ingress by x/deny"},
			},
		},
		{
			name: "both sides must allow: egress of the source and ingress of the destination",
			policies: []string{`
metadata: {name: out, namespace: "y"}
spec:
	podSelector: {}
	policyTypes: [Egress]
	egress: [{to: [{namespaceSelector: {matchLabels: {team: a}}}]}]`, `
metadata: {name: in, namespace: x}
spec:
	podSelector: {matchLabels: {app: a}}
	ingress: [{from: [{podSelector: {matchLabels: {app: b}}}]}]`},
			flows: []flow{
				{from: "y/a", to: "x/b", port: 80, allowed: true},
				{from: "y/a", to: "x/a", port: 80, allowed: false, by: "isolated for Ingress by x/in"},
				{from: "y/a", to: "y/c", port: 80, allowed: false, by: "isolated for Egress by y/out"},
			},
		},
		{
			name: "policies of another namespace do not select a pod",
			policies: []string{`
metadata: {name: deny, namespace: "y"}
spec:
	podSelector: {}
	policyTypes: [Ingress, Egress]`},
			flows: []flow{
				{from: "x/a", to: "x/b", port: 80, allowed: true},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := base()
			for _, p := range tt.policies {
				w.policy(t, p)
			}
			checkFlows(t, w.engine(t), tt.flows)
		})
	}
}

// TestHostNetworkAndNode: hostNetwork pods are neither isolated nor matched by selectors, and
// traffic from a pod's own node is always allowed in.
func TestHostNetworkAndNode(t *testing.T) {
	w := base()
	w.pod("x", "agent", "192.0.2.10", "app=a", "hostNetwork", "node=n1")
	w.policy(t, `
metadata: {name: deny, namespace: x}
spec:
	podSelector: {}
	policyTypes: [Ingress, Egress]
	ingress: [{from: [{podSelector: {matchLabels: {app: a}}}]}]`)
	e := w.engine(t)
	checkFlows(t, e, []flow{
		// The hostNetwork pod carries app=a but is not a pod-network peer.
		{from: "x/agent", to: "x/b", port: 80, allowed: false},
		// Its own node's traffic reaches x/a (on n1), not x/b (on n2).
		{from: "x/agent", to: "x/a", port: 80, allowed: true, by: "own node"},
		// Policies do not isolate it.
		{from: "y/c", to: "x/agent", port: 22, allowed: true, by: "hostNetwork"},
	})
	if got := e.Isolating(ep(t, e, "x/agent"), Ingress); len(got) != 0 {
		t.Errorf("hostNetwork pod isolated by %v", got)
	}
}

// TestInvalidInput: a hand-written snapshot with a bad selector or CIDR is reported, and the
// bad part matches nothing (a policy that cannot be read isolates nothing).
func TestInvalidInput(t *testing.T) {
	w := base()
	w.policies = append(w.policies, mustPolicy(t, `
metadata: {name: bad-selector, namespace: x}
spec:
	podSelector: {matchExpressions: [{key: app, operator: Bogus}]}`), mustPolicy(t, `
metadata: {name: bad-cidr, namespace: "y"}
spec:
	podSelector: {}
	ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/99}}, {}]}]`))
	e := New(w.pods, w.namespaces, w.policies)
	if len(e.Problems) != 3 {
		t.Fatalf("problems %q, want 3", e.Problems)
	}
	checkFlows(t, e, []flow{
		{from: "y/a", to: "x/a", port: 80, allowed: true},
		{from: "10.0.0.1", to: "y/a", port: 80, allowed: false},
	})
}

func mustPolicy(t *testing.T, doc string) (np networkingPolicy) {
	w := &world{}
	w.policy(t, doc)
	return w.policies[0]
}

type networkingPolicy = networkingv1.NetworkPolicy
