// Package netpol computes what Kubernetes NetworkPolicies allow: which pods are isolated for
// ingress and for egress, whether a connection from one endpoint to another is allowed (and
// which policies decided it), and the per-endpoint answers the network checks need, for a pod
// or a workload's template (reachable from every pod, from outside, may reach the internet,
// the cloud metadata address, the API server). It is a pure function of the snapshot's pods,
// templates, namespaces and policies.
//
// The semantics follow the API reference in k8s.io/api networking/v1 types.go (v0.37.2) and
// the Kubernetes documentation, "Network Policies"
// (https://kubernetes.io/docs/concepts/services-networking/network-policies/):
//
//   - A pod is isolated for ingress (egress) when some NetworkPolicy in its namespace selects
//     it and has Ingress (Egress) among its policyTypes; otherwise all traffic in that
//     direction is allowed. An empty podSelector selects every pod of the namespace.
//   - policyTypes, when omitted, is [Ingress] plus Egress if the policy has egress rules
//     (NetworkPolicySpec.PolicyTypes): `egress: []` and an absent egress both leave egress
//     alone; a default-deny for egress must list Egress explicitly.
//   - For an isolated pod, traffic is allowed when at least one rule of at least one policy
//     selecting it (for that direction) matches: policies are a union of allows, never deny.
//     `ingress: []` (or absent, with Ingress in policyTypes) allows nothing; `ingress: [{}]`
//     is a rule with no from and no ports, which matches every source on every port.
//   - A rule matches when its peers match (empty or absent from/to: every peer) and its ports
//     match (empty or absent: every port). Peers are ORed; within a peer, podSelector and
//     namespaceSelector are ANDed ("pods matching podSelector in namespaces matching
//     namespaceSelector"); podSelector alone means the policy's own namespace;
//     namespaceSelector alone means every pod of the selected namespaces (NetworkPolicyPeer).
//   - ipBlock matches addresses in cidr and not in any except (IPBlock). Whether an ipBlock
//     matches pod addresses is left to the network plugin by the documentation; this engine
//     matches them when the snapshot knows the pod's IP, as the upstream conformance tests
//     expect (test/e2e/network/netpol/network_policy.go builds ipBlocks from pod IPs), and
//     which overstates rather than understates what is reachable.
//   - An endpoint without an address (a pod template, or a pod not yet given an IP) matches no
//     ipBlock peer: the address its pods will get is not known, and the documentation asks
//     that ipBlocks name cluster-external addresses "since Pod IPs are ephemeral and
//     unpredictable". Its podSelector and namespaceSelector matches, its isolation and what
//     its own policies allow it do not depend on its address, so every per-endpoint question
//     (OpenToAllPods, FromOutside, Internet, Reaches, Isolating) answers for a template
//     exactly as for the pods it will create with its labels.
//   - A port with protocol omitted is TCP; port omitted matches every port of the protocol;
//     endPort makes an inclusive range; a named port matches when the destination pod has a
//     container port of that name and protocol whose number is the connection's port
//     (NetworkPolicyPort; resolved against the destination pod as the network-policy-api
//     project's policy-assistant does in cmd/policy-assistant/pkg/matcher/portmatcher.go).
//     A named port never matches a destination outside the pod network.
//   - Ingress from the pod's own node is always allowed (NetworkPolicySpec.Ingress).
//   - hostNetwork pods: the documentation leaves their behaviour undefined with two options;
//     this engine takes the one it calls most common: they are ignored by podSelector and
//     namespaceSelector (neither isolated nor matched as peers) and their traffic is the
//     node's.
//
// Pod templates: a workload's template is an endpoint like a pod (Template): its labels, its
// workload's namespace and its spec (hostNetwork, container ports), without an address, so
// that a workload whose pods are not running (a CronJob between runs, a Deployment scaled to
// zero) is judged as the pods it will create. Labels a controller adds to each pod it creates
// (pod-template-hash, controller-revision-hash, statefulset.kubernetes.io/pod-name, a Job's
// job-name and controller-uid) are not in the template and are not guessed: a policy that
// selects on them selects the running pods, which are judged as they are.
//
// Costs: building the engine compiles the policies and indexes them by namespace. Making an
// endpoint matches its labels against its namespace's policies once; per-endpoint questions
// then cost the policies that select it, never all pod pairs. Endpoints that the same
// policies select answer every per-endpoint question alike (Equivalent), so a caller asks
// once for all the replicas of a workload.
package netpol

import (
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"sync"

	"go4.org/netipx"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// Direction is the side of a connection a policy rule governs.
type Direction string

const (
	Ingress Direction = "Ingress"
	Egress  Direction = "Egress"
)

// PolicyRef names a NetworkPolicy.
type PolicyRef struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
}

func (p PolicyRef) String() string { return p.Namespace + "/" + p.Name }

// RuleRef names one rule of a policy: spec.ingress[Index] or spec.egress[Index].
type RuleRef struct {
	Policy    PolicyRef `json:"policy"`
	Direction Direction `json:"direction"`
	Index     int       `json:"index"`
}

func (r RuleRef) String() string {
	field := "ingress"
	if r.Direction == Egress {
		field = "egress"
	}
	return fmt.Sprintf("%s spec.%s[%d]", r.Policy, field, r.Index)
}

// Engine answers questions about a fixed set of pods, namespaces and policies. It is
// read-only once built: endpoints and answers may be asked for concurrently.
type Engine struct {
	pods     []*corev1.Pod
	byName   map[string]int // "ns/name" -> pod index, built on first use (checks never need it)
	nameOnce sync.Once
	nsLabels map[string]labels.Set
	policies []*policy
	// nsPolicies indexes policies by namespace.
	nsPolicies map[string][]int
	// Problems lists what the engine could not read (an invalid selector or CIDR in a
	// snapshot written by hand); each names the policy and field.
	Problems []string
}

type policy struct {
	ref      PolicyRef
	np       *networkingv1.NetworkPolicy
	selector labels.Selector // nil when invalid: selects nothing
	// selectsAll: the podSelector is empty, so the policy selects every pod of its
	// namespace, present and future.
	selectsAll bool
	types      map[Direction]bool
	rules      map[Direction][]rule
}

type rule struct {
	ref      RuleRef
	allPeers bool // from/to empty or absent
	peers    []peer
	ports    []networkingv1.NetworkPolicyPort // empty: every port
}

type peer struct {
	pods, namespaces labels.Selector // nil when the field is absent
	podsSet, nsSet   bool
	block            *networkingv1.IPBlock
	ips              *netipx.IPSet // for block; nil when invalid
	// public: the block covers some address outside the private and reserved ranges.
	public  bool
	invalid bool
}

// New builds an engine. The slices are not copied and must not change while it is used.
func New(pods []corev1.Pod, namespaces []corev1.Namespace, policies []networkingv1.NetworkPolicy) *Engine {
	e := &Engine{
		pods:       make([]*corev1.Pod, len(pods)),
		nsLabels:   make(map[string]labels.Set, len(namespaces)),
		nsPolicies: map[string][]int{},
	}
	for i := range namespaces {
		e.nsLabels[namespaces[i].Name] = labels.Set(namespaces[i].Labels)
	}
	for i := range pods {
		e.pods[i] = &pods[i]
	}
	for i := range policies {
		pol := e.compile(&policies[i])
		e.policies = append(e.policies, pol)
		e.nsPolicies[pol.ref.Namespace] = append(e.nsPolicies[pol.ref.Namespace], len(e.policies)-1)
	}
	return e
}

// podIPs returns the pod's addresses as the snapshot knows them (status.podIPs, else
// status.podIP).
func podIPs(p *corev1.Pod) []netip.Addr {
	var out []netip.Addr
	for _, ip := range p.Status.PodIPs {
		if a, err := netip.ParseAddr(ip.IP); err == nil {
			out = append(out, a.Unmap())
		}
	}
	if len(out) == 0 && p.Status.PodIP != "" {
		if a, err := netip.ParseAddr(p.Status.PodIP); err == nil {
			out = append(out, a.Unmap())
		}
	}
	return out
}

// EffectiveTypes returns the directions a policy governs: its policyTypes, or when omitted,
// Ingress plus Egress if it has egress rules (NetworkPolicySpec.PolicyTypes).
func EffectiveTypes(spec *networkingv1.NetworkPolicySpec) map[Direction]bool {
	t := map[Direction]bool{}
	if len(spec.PolicyTypes) == 0 {
		t[Ingress] = true
		if len(spec.Egress) > 0 {
			t[Egress] = true
		}
		return t
	}
	for _, pt := range spec.PolicyTypes {
		switch pt {
		case networkingv1.PolicyTypeIngress:
			t[Ingress] = true
		case networkingv1.PolicyTypeEgress:
			t[Egress] = true
		}
	}
	return t
}

func (e *Engine) compile(np *networkingv1.NetworkPolicy) *policy {
	ref := PolicyRef{Namespace: np.Namespace, Name: np.Name}
	p := &policy{ref: ref, np: np, types: EffectiveTypes(&np.Spec), rules: map[Direction][]rule{}}
	sel, err := metav1.LabelSelectorAsSelector(&np.Spec.PodSelector)
	if err != nil {
		e.Problems = append(e.Problems, fmt.Sprintf("networkpolicy %s spec.podSelector: %v (the policy is ignored)", ref, err))
	} else {
		p.selector = sel
		p.selectsAll = sel.Empty()
	}
	// Rules of a direction the policy does not govern have no effect: the API server keeps
	// them, but they neither isolate nor allow.
	if p.types[Ingress] {
		for i, r := range np.Spec.Ingress {
			p.rules[Ingress] = append(p.rules[Ingress], e.compileRule(RuleRef{ref, Ingress, i}, r.From, r.Ports))
		}
	}
	if p.types[Egress] {
		for i, r := range np.Spec.Egress {
			p.rules[Egress] = append(p.rules[Egress], e.compileRule(RuleRef{ref, Egress, i}, r.To, r.Ports))
		}
	}
	return p
}

func (e *Engine) compileRule(ref RuleRef, peers []networkingv1.NetworkPolicyPeer, ports []networkingv1.NetworkPolicyPort) rule {
	r := rule{ref: ref, allPeers: len(peers) == 0, ports: ports}
	field := "from"
	if ref.Direction == Egress {
		field = "to"
	}
	for j := range peers {
		pr := peers[j]
		where := fmt.Sprintf("networkpolicy %s: %s[%d]", ref, field, j)
		var c peer
		if pr.PodSelector != nil {
			s, err := metav1.LabelSelectorAsSelector(pr.PodSelector)
			if err != nil {
				e.Problems = append(e.Problems, fmt.Sprintf("%s.podSelector: %v (the peer matches nothing)", where, err))
				c.invalid = true
			}
			c.pods, c.podsSet = s, true
		}
		if pr.NamespaceSelector != nil {
			s, err := metav1.LabelSelectorAsSelector(pr.NamespaceSelector)
			if err != nil {
				e.Problems = append(e.Problems, fmt.Sprintf("%s.namespaceSelector: %v (the peer matches nothing)", where, err))
				c.invalid = true
			}
			c.namespaces, c.nsSet = s, true
		}
		if pr.IPBlock != nil {
			c.block = pr.IPBlock
			set, err := BlockSet(pr.IPBlock)
			if err != nil {
				e.Problems = append(e.Problems, fmt.Sprintf("%s.ipBlock: %v (the peer matches nothing)", where, err))
				c.invalid = true
			}
			c.ips = set
			c.public = set != nil && hasPublic(set)
		}
		if !c.podsSet && !c.nsSet && c.block == nil {
			// The API server rejects an empty peer; one in a hand-written snapshot matches nothing.
			e.Problems = append(e.Problems, fmt.Sprintf("%s: empty peer (the peer matches nothing)", where))
			c.invalid = true
		}
		r.peers = append(r.peers, c)
	}
	return r
}

// BlockSet returns the addresses an ipBlock covers: cidr minus every except.
func BlockSet(b *networkingv1.IPBlock) (*netipx.IPSet, error) {
	p, err := netip.ParsePrefix(b.CIDR)
	if err != nil {
		return nil, fmt.Errorf("cidr %q: %w", b.CIDR, err)
	}
	var sb netipx.IPSetBuilder
	sb.AddPrefix(p.Masked())
	for _, x := range b.Except {
		xp, err := netip.ParsePrefix(x)
		if err != nil {
			return nil, fmt.Errorf("except %q: %w", x, err)
		}
		sb.RemovePrefix(xp.Masked())
	}
	return sb.IPSet()
}

// Endpoint is one end of a connection: a pod of the snapshot, the pods a template will
// create, or an address outside the pod network. Make one with Pod, PodEndpoint, Template or
// AddrEndpoint: an endpoint carries the policies that select it.
type Endpoint struct {
	// Pod is the snapshot's pod; nil for a template or an address.
	Pod *corev1.Pod
	// IPs are the endpoint's addresses: the pod's IPs (none when the snapshot has none, and
	// none for a template), or the external address.
	IPs []netip.Addr

	// namespace, labels and spec are what policies see of a pod-network endpoint: the pod's,
	// or the template's with its workload's namespace; spec is nil for an address.
	namespace string
	labels    map[string]string
	spec      *corev1.PodSpec
	// selectedBy lists the policies (indexes into Engine.policies) whose podSelector selects
	// the endpoint, in policy order; nil for hostNetwork pods and addresses.
	selectedBy []int
}

// Pod returns pod p as an endpoint. p need not be one of the engine's pods.
func (e *Engine) Pod(p *corev1.Pod) Endpoint {
	ep := Endpoint{Pod: p, IPs: podIPs(p), namespace: p.Namespace, labels: p.Labels, spec: &p.Spec}
	ep.selectedBy = e.selecting(&ep)
	return ep
}

// Template returns the pods that template t of a workload in namespace will create, as one
// endpoint: its labels and spec, no address (see the package comment for what that means for
// ipBlock peers).
func (e *Engine) Template(namespace string, t *corev1.PodTemplateSpec) Endpoint {
	ep := Endpoint{namespace: namespace, labels: t.Labels, spec: &t.Spec}
	ep.selectedBy = e.selecting(&ep)
	return ep
}

// PodEndpoint returns the pod ns/name as an endpoint.
func (e *Engine) PodEndpoint(namespace, name string) (Endpoint, bool) {
	e.nameOnce.Do(func() {
		e.byName = make(map[string]int, len(e.pods))
		for i, p := range e.pods {
			e.byName[p.Namespace+"/"+p.Name] = i
		}
	})
	i, ok := e.byName[namespace+"/"+name]
	if !ok {
		return Endpoint{}, false
	}
	return e.Pod(e.pods[i]), true
}

// AddrEndpoint returns an address outside the pod network as an endpoint.
func AddrEndpoint(a netip.Addr) Endpoint { return Endpoint{IPs: []netip.Addr{a.Unmap()}} }

// selecting lists the policies of the endpoint's namespace whose podSelector selects it. A
// hostNetwork pod is selected by none: policies ignore it.
func (e *Engine) selecting(ep *Endpoint) []int {
	if !ep.selectable() {
		return nil
	}
	var out []int
	set := labels.Set(ep.labels)
	for _, pi := range e.nsPolicies[ep.namespace] {
		if sel := e.policies[pi].selector; sel != nil && sel.Matches(set) {
			out = append(out, pi)
		}
	}
	return out
}

// selectable reports whether policies apply to the endpoint: a pod (or template) on the pod
// network.
func (ep *Endpoint) selectable() bool { return ep.spec != nil && !ep.spec.HostNetwork }

// Equivalent reports whether a and b get the same answer to every question about one
// endpoint (Isolating, OpenToAllPods, FromOutside, Internet, Reaches): both are on the pod
// network and the same policies select them, or neither is. A workload's replicas usually
// are; a pod whose labels were changed by hand may not be.
func Equivalent(a, b *Endpoint) bool {
	return a.selectable() == b.selectable() && a.HostNetwork() == b.HostNetwork() &&
		slices.Equal(a.selectedBy, b.selectedBy)
}

// HostNetwork reports whether the endpoint is a hostNetwork pod (or the pods of a hostNetwork
// template): on its node's network, where no NetworkPolicy selects it.
func (ep *Endpoint) HostNetwork() bool { return ep.spec != nil && ep.spec.HostNetwork }

// isolating returns the policies that select the endpoint and govern direction d.
func (e *Engine) isolating(ep *Endpoint, d Direction) []int {
	var out []int
	for _, pi := range ep.selectedBy {
		if e.policies[pi].types[d] {
			out = append(out, pi)
		}
	}
	return out
}

// Side is the verdict of one direction of a connection.
type Side struct {
	// Applies is false when policies cannot govern this side: the endpoint is outside the
	// pod network or a hostNetwork pod.
	Applies bool `json:"applies"`
	// Isolated: some policy selects the pod for this direction.
	Isolated bool `json:"isolated"`
	Allowed  bool `json:"allowed"`
	// Isolating lists the policies that select the pod for this direction.
	Isolating []PolicyRef `json:"isolating,omitempty"`
	// Allowing lists the rules that allow the connection.
	Allowing []RuleRef `json:"allowing,omitempty"`
	// Reason says in words why the side allowed or denied.
	Reason string `json:"reason"`
}

// Verdict is the answer for one connection: allowed when both the source's egress and the
// destination's ingress allow it.
type Verdict struct {
	Allowed bool `json:"allowed"`
	Egress  Side `json:"egress"`
	Ingress Side `json:"ingress"`
}

// Allowed says whether src may open a connection to dst on port/protocol (an empty protocol
// is TCP), and which policies decided.
func (e *Engine) Allowed(src, dst Endpoint, port int32, proto corev1.Protocol) Verdict {
	if proto == "" {
		proto = corev1.ProtocolTCP
	}
	v := Verdict{Egress: e.side(Egress, src, dst, port, proto), Ingress: e.side(Ingress, dst, src, port, proto)}
	v.Allowed = v.Egress.Allowed && v.Ingress.Allowed
	return v
}

// side judges direction d for the pod subject (the source for egress, the destination for
// ingress) against the other endpoint.
func (e *Engine) side(d Direction, subject, other Endpoint, port int32, proto corev1.Protocol) Side {
	if !subject.selectable() {
		s := Side{Allowed: true, Reason: "outside the pod network: not subject to NetworkPolicy"}
		if subject.HostNetwork() {
			s.Reason = "hostNetwork pod: NetworkPolicy does not apply"
		}
		return s
	}
	s := Side{Applies: true}
	pols := e.isolating(&subject, d)
	if len(pols) == 0 {
		s.Allowed = true
		s.Reason = fmt.Sprintf("no NetworkPolicy selects the pod for %s: all %s traffic allowed", d, lower(d))
		return s
	}
	s.Isolated = true
	for _, pi := range pols {
		s.Isolating = append(s.Isolating, e.policies[pi].ref)
	}
	if d == Ingress && other.HostNetwork() && other.spec.NodeName != "" && other.spec.NodeName == subject.spec.NodeName {
		s.Allowed = true
		s.Reason = "traffic from the pod's own node is always allowed"
		return s
	}
	// The destination resolves named ports: for ingress it is the subject, for egress the
	// other end (nil outside the pod network).
	dst := subject.spec
	if d == Egress {
		dst = nil
		if other.selectable() {
			dst = other.spec
		}
	}
	for _, pi := range pols {
		pol := e.policies[pi]
		for ri := range pol.rules[d] {
			r := &pol.rules[d][ri]
			if e.ruleMatches(pol, r, &other, dst, port, proto) {
				s.Allowing = append(s.Allowing, r.ref)
			}
		}
	}
	s.Allowed = len(s.Allowing) > 0
	if s.Allowed {
		s.Reason = fmt.Sprintf("allowed by %s", joinRules(s.Allowing))
	} else {
		s.Reason = fmt.Sprintf("isolated for %s by %s and no rule allows it", d, joinPolicies(s.Isolating))
	}
	return s
}

func (e *Engine) ruleMatches(pol *policy, r *rule, other *Endpoint, dst *corev1.PodSpec, port int32, proto corev1.Protocol) bool {
	if !portsMatch(r.ports, dst, port, proto) {
		return false
	}
	if r.allPeers {
		return true
	}
	for i := range r.peers {
		if e.peerMatches(pol, &r.peers[i], other) {
			return true
		}
	}
	return false
}

func (e *Engine) peerMatches(pol *policy, pr *peer, ep *Endpoint) bool {
	if pr.invalid {
		return false
	}
	if pr.block != nil {
		// No address (a template): no match, as the package comment says.
		for _, a := range ep.IPs {
			if pr.ips.Contains(a) {
				return true
			}
		}
		return false
	}
	if !ep.selectable() {
		return false
	}
	if pr.nsSet {
		if !pr.namespaces.Matches(e.nsLabels[ep.namespace]) {
			return false
		}
	} else if ep.namespace != pol.ref.Namespace {
		return false
	}
	return !pr.podsSet || pr.pods.Matches(labels.Set(ep.labels))
}

// portsMatch applies a rule's ports to a connection. dst, the destination's pod spec,
// resolves named ports.
func portsMatch(ports []networkingv1.NetworkPolicyPort, dst *corev1.PodSpec, port int32, proto corev1.Protocol) bool {
	if len(ports) == 0 {
		return true
	}
	for _, pp := range ports {
		if portMatches(pp, dst, port, proto) {
			return true
		}
	}
	return false
}

func portMatches(pp networkingv1.NetworkPolicyPort, dst *corev1.PodSpec, port int32, proto corev1.Protocol) bool {
	want := corev1.ProtocolTCP
	if pp.Protocol != nil {
		want = *pp.Protocol
	}
	if want != proto {
		return false
	}
	if pp.Port == nil {
		return true
	}
	if pp.Port.Type == intstr.Int {
		end := pp.Port.IntVal
		if pp.EndPort != nil && *pp.EndPort > end {
			end = *pp.EndPort
		}
		return port >= pp.Port.IntVal && port <= end
	}
	if dst == nil {
		return false
	}
	return namedPort(dst, pp.Port.StrVal, port, proto)
}

// namedPort reports whether the pod spec declares a container port name with number port and
// protocol proto. Init containers count too: a sidecar (restartPolicy Always) serves ports.
func namedPort(spec *corev1.PodSpec, name string, port int32, proto corev1.Protocol) bool {
	match := func(cs []corev1.Container) bool {
		for i := range cs {
			for _, cp := range cs[i].Ports {
				cproto := cp.Protocol
				if cproto == "" {
					cproto = corev1.ProtocolTCP
				}
				if cp.Name == name && cp.ContainerPort == port && cproto == proto {
					return true
				}
			}
		}
		return false
	}
	return match(spec.Containers) || match(spec.InitContainers)
}

func lower(d Direction) string {
	if d == Ingress {
		return "ingress"
	}
	return "egress"
}

func joinRules(rs []RuleRef) string {
	out := ""
	for i, r := range rs {
		if i > 0 {
			out += ", "
		}
		out += r.String()
	}
	return out
}

// joinIsolating names policies given by index, as joinPolicies does.
func (e *Engine) joinIsolating(pols []int) string {
	refs := make([]PolicyRef, len(pols))
	for i, pi := range pols {
		refs[i] = e.policies[pi].ref
	}
	return joinPolicies(refs)
}

func joinPolicies(ps []PolicyRef) string {
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = p.String()
	}
	sort.Strings(names)
	out := ""
	for i, n := range names {
		if i > 0 {
			out += ", "
		}
		out += n
	}
	return out
}
