package netpol

import (
	"fmt"
	"net/netip"

	"go4.org/netipx"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// Metadata addresses of the cloud instance metadata services: 169.254.169.254 (AWS, GCP,
// Azure, and most others) and fd00:ec2::254 (AWS over IPv6). They serve HTTP on port 80.
var (
	MetadataIPv4 = netip.MustParseAddr("169.254.169.254")
	MetadataIPv6 = netip.MustParseAddr("fd00:ec2::254")
)

// MetadataPort is the port the metadata services listen on.
const MetadataPort = 80

// Pods returns the engine's pods, in snapshot order.
func (e *Engine) Pods() []*corev1.Pod { return e.pods }

// Isolating returns the policies that select the endpoint for direction d; empty when it is
// not isolated for d (or is a hostNetwork pod or an address, which policies do not govern).
func (e *Engine) Isolating(ep Endpoint, d Direction) []PolicyRef {
	var out []PolicyRef
	for _, pi := range e.isolating(&ep, d) {
		out = append(out, e.policies[pi].ref)
	}
	return out
}

// DefaultDeny returns the policies of a namespace that isolate every pod of it, present and
// future, for direction d: an empty podSelector with d among the effective policyTypes.
// Whatever such a namespace's policies do not allow in direction d is denied.
func (e *Engine) DefaultDeny(namespace string, d Direction) []PolicyRef {
	var out []PolicyRef
	for _, pi := range e.nsPolicies[namespace] {
		if p := e.policies[pi]; p.selectsAll && p.types[d] {
			out = append(out, p.ref)
		}
	}
	return out
}

// Answer is a per-endpoint conclusion and what it rests on.
type Answer struct {
	Yes bool
	// Because is the reason in words: "not isolated for egress", or the rules that allow it.
	Because string
	Rules   []RuleRef
}

// OpenToAllPods says whether every pod of the cluster may connect to endpoint ep on some
// port, as far as ep's ingress policies go (the sources' own egress policies are not
// considered): ep is not isolated for ingress, or a rule allows every source (no from), every
// pod of every namespace (namespaceSelector {} with no or an empty podSelector), or an ipBlock
// of /0.
func (e *Engine) OpenToAllPods(ep Endpoint) Answer {
	return e.ingressAnswer(&ep, func(r *rule) bool {
		if r.allPeers {
			return true
		}
		for _, p := range r.peers {
			if p.invalid {
				continue
			}
			if p.nsSet && p.namespaces.Empty() && (!p.podsSet || p.pods.Empty()) {
				return true
			}
			if p.block != nil && wholeFamily(p) {
				return true
			}
		}
		return false
	}, "accepts every pod")
}

// FromOutside says whether endpoint ep accepts connections from any address on some port: it
// is not isolated for ingress, or a rule has no from, or an ipBlock whose cidr is 0.0.0.0/0 or
// ::/0 (excepts notwithstanding: what they carve out is listed in the policy).
func (e *Engine) FromOutside(ep Endpoint) Answer {
	return e.ingressAnswer(&ep, func(r *rule) bool {
		if r.allPeers {
			return true
		}
		for _, p := range r.peers {
			if !p.invalid && p.block != nil && wholeFamily(p) {
				return true
			}
		}
		return false
	}, "accepts any address")
}

func wholeFamily(p peer) bool {
	pfx, err := netip.ParsePrefix(p.block.CIDR)
	return err == nil && pfx.Bits() == 0
}

// notGoverned is the answer for an endpoint that no policy can govern: a hostNetwork pod, or
// an address outside the pod network. ok is false for an endpoint on the pod network.
func notGoverned(ep *Endpoint) (a Answer, ok bool) {
	switch {
	case ep.HostNetwork():
		return Answer{Yes: true, Because: "hostNetwork pod: NetworkPolicy does not apply"}, true
	case !ep.selectable():
		return Answer{Yes: true, Because: "outside the pod network: not subject to NetworkPolicy"}, true
	}
	return Answer{}, false
}

func (e *Engine) ingressAnswer(ep *Endpoint, open func(*rule) bool, what string) Answer {
	if a, ok := notGoverned(ep); ok {
		return a
	}
	pols := e.isolating(ep, Ingress)
	if len(pols) == 0 {
		return Answer{Yes: true, Because: "no NetworkPolicy selects the pod for Ingress"}
	}
	var rules []RuleRef
	for _, pi := range pols {
		pol := e.policies[pi]
		for ri := range pol.rules[Ingress] {
			if r := &pol.rules[Ingress][ri]; open(r) {
				rules = append(rules, r.ref)
			}
		}
	}
	if len(rules) > 0 {
		return Answer{Yes: true, Because: fmt.Sprintf("%s %s", joinRules(rules), what), Rules: rules}
	}
	return Answer{Because: "isolated for Ingress by " + e.joinIsolating(pols) + "; no rule " + what}
}

// nonPublic lists the address ranges that are not the internet: private, shared, loopback,
// link-local, documentation, multicast and reserved ranges (RFC 6890 and its IPv6 peers).
var nonPublic = func() *netipx.IPSet {
	var b netipx.IPSetBuilder
	for _, s := range []string{
		"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
		"192.0.0.0/24", "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24",
		"203.0.113.0/24", "224.0.0.0/3",
		"::/127", "::ffff:0:0/96", "64:ff9b:1::/48", "100::/64", "2001:db8::/32", "fc00::/7", "fe80::/10", "ff00::/8",
	} {
		b.AddPrefix(netip.MustParsePrefix(s))
	}
	s, _ := b.IPSet()
	return s
}()

func hasPublic(set *netipx.IPSet) bool {
	var b netipx.IPSetBuilder
	b.AddSet(set)
	b.RemoveSet(nonPublic)
	s, err := b.IPSet()
	return err == nil && len(s.Ranges()) > 0
}

// Internet says whether endpoint ep may open a connection to some public address on some
// port: it is not isolated for egress, or an egress rule has no to, or an ipBlock (minus its
// excepts) covers an address outside the private and reserved ranges. Rules whose ports are
// all named cannot match an address outside the pod network and are left out.
func (e *Engine) Internet(ep Endpoint) Answer {
	if a, ok := notGoverned(&ep); ok {
		return a
	}
	pols := e.isolating(&ep, Egress)
	if len(pols) == 0 {
		return Answer{Yes: true, Because: "no NetworkPolicy selects the pod for Egress"}
	}
	var rules []RuleRef
	for _, pi := range pols {
		pol := e.policies[pi]
		for ri := range pol.rules[Egress] {
			r := &pol.rules[Egress][ri]
			if !anyNumericPort(r.ports) {
				continue
			}
			if r.allPeers {
				rules = append(rules, r.ref)
				continue
			}
			for _, p := range r.peers {
				if !p.invalid && p.public {
					rules = append(rules, r.ref)
					break
				}
			}
		}
	}
	if len(rules) > 0 {
		return Answer{Yes: true, Because: joinRules(rules) + " allows public addresses", Rules: rules}
	}
	return Answer{Because: "isolated for Egress by " + e.joinIsolating(pols) + "; no rule allows a public address"}
}

func anyNumericPort(ports []networkingv1.NetworkPolicyPort) bool {
	if len(ports) == 0 {
		return true
	}
	for _, p := range ports {
		if p.Port == nil || p.Port.Type == intstr.Int {
			return true
		}
	}
	return false
}

// Target is an address and port a pod may try to reach.
type Target struct {
	Addr     netip.Addr
	Port     int32
	Protocol corev1.Protocol
	// What names the target in evidence ("service default/kubernetes ClusterIP").
	What string
}

func (t Target) String() string {
	return fmt.Sprintf("%s (%s)", netip.AddrPortFrom(t.Addr, uint16(t.Port)), t.What)
}

// Reaches says whether endpoint src may connect to one of the targets (addresses outside the
// pod network, or hostNetwork pods' node addresses). It returns the first target allowed and
// the egress verdict for it.
func (e *Engine) Reaches(src Endpoint, targets []Target) (Answer, *Target) {
	var last Side
	for ti := range targets {
		t := &targets[ti]
		s := e.side(Egress, src, AddrEndpoint(t.Addr), t.Port, t.Protocol)
		if s.Allowed {
			return Answer{Yes: true, Because: s.Reason, Rules: s.Allowing}, t
		}
		last = s
	}
	return Answer{Because: last.Reason}, nil
}

// MetadataTargets are the cloud metadata endpoints.
func MetadataTargets() []Target {
	return []Target{
		{Addr: MetadataIPv4, Port: MetadataPort, Protocol: corev1.ProtocolTCP, What: "cloud metadata service"},
		{Addr: MetadataIPv6, Port: MetadataPort, Protocol: corev1.ProtocolTCP, What: "cloud metadata service (IPv6)"},
	}
}
