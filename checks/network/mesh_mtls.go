/*
KP-NET-020: the service mesh requires mutual TLS.

Source: Istio's documentation of PeerAuthentication (istio.io/latest/docs/reference/config/
security/peer_authentication/ and docs/concepts/security/#peer-authentication): a policy
without selector in the root namespace (meshConfig.rootNamespace, istio-system by default) is
mesh-wide, one in another namespace covers that namespace, one with a selector the workloads
it selects, the narrowest wins, and UNSET inherits from the next wider; without any policy the
mode is PERMISSIVE, which accepts plaintext. portLevelMtls sets a port's own mode. Linkerd's
documentation (linkerd.io/2/reference/authorization-policy/ and features/server-policy/):
meshed pods talk mTLS, but a proxy accepts what its default inbound policy allows
(config.linkerd.io/default-inbound-policy on the namespace or workload, else the install's
proxy.defaultInboundPolicy, all-unauthenticated by default), plaintext from unmeshed clients
included, unless a Server covers the port, which then takes only what an AuthorizationPolicy
allows. Cilium's mutual authentication (docs.cilium.io, network/servicemesh/
mutual-authentication): a CiliumNetworkPolicy or CiliumClusterwideNetworkPolicy ingress rule
with authentication.mode "required" admits only peers that passed the SPIFFE handshake; it
encrypts nothing by itself (WireGuard or IPsec does). No CIS item covers it.

Reads: apiGroups (which mesh is installed), peerAuthentications, namespaces (Linkerd's
annotations), linkerdServers, linkerdAuthorizationPolicies, configMaps (the root namespace from
istio-system/istio, the default policy from linkerd/linkerd-config), cniPolicies (Cilium's, for
authentication.mode).

Verdict:
  - Istio: the mesh-wide policy STRICT: PASS; PERMISSIVE, DISABLE, UNSET or none: FAIL.
    Every other PeerAuthentication: FAIL when its mode or a port's is PERMISSIVE or DISABLE
    (it weakens the mesh-wide mode), PASS otherwise.
  - Linkerd, per namespace meant to be meshed (linkerd.io/inject=enabled): PASS when its
    default inbound policy is all-authenticated, cluster-authenticated or deny; WARN when it
    allows unauthenticated traffic but Servers with an AuthorizationPolicy requiring
    MeshTLSAuthentication cover some ports (the others still take plaintext); FAIL otherwise.
  - Cilium: each Cilium policy with an ingress rule requiring mutual authentication: PASS
    (which pods it leaves out is not judged).
  - None of these: one WARN for the cluster (traffic between pods is neither encrypted nor
    authenticated by a mesh; a CNI's own encryption is not judged here).
*/

package network

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:       "KP-NET-020",
			Title:    "Service mesh requires mutual TLS",
			Layer:    checks.Network,
			Severity: checks.Medium,
			Description: "A service mesh encrypts and authenticates traffic between workloads only in mutual TLS mode: " +
				"Istio's default (PERMISSIVE) and Linkerd's default inbound policy (all-unauthenticated) also accept " +
				"plaintext from any client, and a namespace, workload or port override can weaken a STRICT mesh-wide policy.",
			Remediation: "Istio: apply a PeerAuthentication named default in the root namespace (istio-system) with " +
				"spec.mtls.mode: STRICT, and remove the PERMISSIVE or DISABLE overrides (portLevelMtls included) once every " +
				"client is meshed. Linkerd: set config.linkerd.io/default-inbound-policy: all-authenticated (or " +
				"cluster-authenticated) on meshed namespaces, or install with proxy.defaultInboundPolicy set so, and cover " +
				"ports with Server and AuthorizationPolicy resources requiring MeshTLSAuthentication. Cilium: set " +
				"authentication.mode: required on the ingress rules of CiliumNetworkPolicies, with WireGuard or IPsec encryption.",
		},
		Inputs: []snapshot.Resource{snapshot.ResAPIGroups, snapshot.ResNamespaces, snapshot.ResConfigMaps,
			snapshot.ResIstioPeerAuthentications, snapshot.ResLinkerdServers, snapshot.ResLinkerdAuthorizationPolicies,
			snapshot.ResCiliumNetworkPolicies, snapshot.ResCiliumClusterwideNetworkPolicies},
		Evaluate: meshMTLS,
	})
}

func meshMTLS(s *snapshot.Snapshot) []checks.Result {
	istio := slices.Contains(s.APIGroups, istioSecurityGroup)
	linkerdOn := slices.Contains(s.APIGroups, linkerdPolicyGroup)
	cilium := ciliumMutualAuth(s)
	if !istio && !linkerdOn && len(cilium) == 0 {
		return []checks.Result{{Status: checks.Warn, Resource: checks.Resource{Kind: "Cluster"}, Evidence: checks.Evidence{
			Observed: "no service mesh: neither " + istioSecurityGroup + " (Istio) nor " + linkerdPolicyGroup +
				" (Linkerd) is served, and no Cilium policy requires mutual authentication",
			Expected: "a service mesh in mutual TLS mode",
			Where:    "API discovery",
		}}}
	}
	var out []checks.Result
	if istio {
		out = append(out, istioMTLS(s)...)
	}
	if linkerdOn {
		out = append(out, linkerdMTLS(s)...)
	}
	return append(out, cilium...)
}

// ciliumMutualAuth is a PASS for each Cilium policy whose ingress rules require mutual
// authentication.
func ciliumMutualAuth(s *snapshot.Snapshot) []checks.Result {
	var out []checks.Result
	for _, p := range s.CNIPolicies {
		if p.Resource != snapshot.ResCiliumNetworkPolicies && p.Resource != snapshot.ResCiliumClusterwideNetworkPolicies {
			continue
		}
		var spec struct {
			Ingress []struct {
				Authentication *struct {
					Mode string `json:"mode"`
				} `json:"authentication"`
			} `json:"ingress"`
		}
		if json.Unmarshal(p.Spec, &spec) != nil {
			continue // Cilium's "specs" form: not read
		}
		required := 0
		for _, rule := range spec.Ingress {
			if rule.Authentication != nil && rule.Authentication.Mode == "required" {
				required++
			}
		}
		if required > 0 {
			out = append(out, checks.Result{Status: checks.Pass, Resource: checks.Resource{Kind: p.Kind, Namespace: p.Namespace, Name: p.Name},
				Evidence: checks.Evidence{
					Observed: fmt.Sprintf("%d of %d ingress rules require mutual authentication (Cilium)", required, len(spec.Ingress)),
					Expected: "authentication.mode required, with WireGuard or IPsec encryption",
					Where:    "spec.ingress[].authentication.mode",
				}})
		}
	}
	return out
}

// weak reports whether an Istio mTLS mode accepts plaintext.
func weak(mode string) bool { return mode == "PERMISSIVE" || mode == "DISABLE" }

func istioMTLS(s *snapshot.Snapshot) []checks.Result {
	root := istioRootNamespace(s)
	var out []checks.Result
	meshWide := false
	for i := range s.PeerAuthentications {
		pa := &s.PeerAuthentications[i]
		r := checks.Result{Resource: checks.Resource{Kind: "PeerAuthentication", Namespace: pa.Namespace, Name: pa.Name}}
		mode := pa.Mode
		if mode == "" {
			mode = "UNSET"
		}
		if pa.Namespace == root && len(pa.Selector) == 0 {
			meshWide = true
			r.Evidence = checks.Evidence{Observed: "mesh-wide spec.mtls.mode " + mode, Expected: "STRICT", Where: "spec.mtls.mode"}
			r.Status = checks.Pass
			if mode != "STRICT" {
				r.Status = checks.Fail
				if mode == "UNSET" {
					r.Evidence.Observed += " (inherits Istio's default, PERMISSIVE)"
				}
			}
			out = append(out, r)
			continue
		}
		scope := "namespace " + pa.Namespace
		if len(pa.Selector) > 0 {
			scope = "workloads " + labelString(pa.Selector) + " of namespace " + pa.Namespace
		}
		var weakened []string
		if weak(pa.Mode) {
			weakened = append(weakened, "spec.mtls.mode "+pa.Mode)
		}
		for _, port := range sortedKeys(pa.PortModes) {
			if weak(pa.PortModes[port]) {
				weakened = append(weakened, "port "+port+" "+pa.PortModes[port])
			}
		}
		r.Evidence = checks.Evidence{Expected: "STRICT or UNSET (inherited), on every port", Where: "spec.mtls.mode, spec.portLevelMtls"}
		if len(weakened) > 0 {
			r.Status = checks.Fail
			r.Evidence.Observed = scope + " accepts plaintext: " + strings.Join(weakened, ", ")
		} else {
			r.Status = checks.Pass
			r.Evidence.Observed = scope + ": spec.mtls.mode " + mode + ", no port-level exception"
		}
		out = append(out, r)
	}
	if !meshWide {
		out = append(out, checks.Result{Status: checks.Fail, Resource: checks.Resource{Kind: "Namespace", Name: root}, Evidence: checks.Evidence{
			Observed: "no mesh-wide PeerAuthentication (without selector) in the root namespace " + root + ": Istio's default mode, PERMISSIVE, applies",
			Expected: "a PeerAuthentication in " + root + " with spec.mtls.mode STRICT",
			Where:    "peerauthentications.security.istio.io",
		}})
	}
	return out
}

// authenticatedPolicies are Linkerd's default inbound policies that refuse unauthenticated
// clients.
var authenticatedPolicies = []string{"all-authenticated", "cluster-authenticated", "deny"}

func linkerdMTLS(s *snapshot.Snapshot) []checks.Result {
	def := linkerdDefaultPolicy(s)
	// Servers covered by an AuthorizationPolicy that requires a mesh identity, per namespace.
	authorized := map[string]map[string]bool{}
	nsWide := map[string]bool{}
	for _, p := range s.LinkerdAuthorizationPolicies {
		if !slices.Contains(p.Authentications, "MeshTLSAuthentication") {
			continue
		}
		switch p.TargetKind {
		case "Server":
			if authorized[p.Namespace] == nil {
				authorized[p.Namespace] = map[string]bool{}
			}
			authorized[p.Namespace][p.TargetName] = true
		case "Namespace":
			nsWide[p.Namespace] = true
		}
	}
	servers := map[string][]string{}
	for _, sv := range s.LinkerdServers {
		if authorized[sv.Namespace][sv.Name] || nsWide[sv.Namespace] {
			name := sv.Name
			if sv.Port != "" {
				name += " (port " + sv.Port + ")"
			}
			servers[sv.Namespace] = append(servers[sv.Namespace], name)
		}
	}
	var out []checks.Result
	for i := range s.Namespaces {
		ns := &s.Namespaces[i]
		if namespaceMesh(ns) != linkerd {
			continue
		}
		policy, where := def, "the install's proxy.defaultInboundPolicy"
		if p := ns.Annotations["config.linkerd.io/default-inbound-policy"]; p != "" {
			policy, where = p, "metadata.annotations[config.linkerd.io/default-inbound-policy]"
		}
		r := checks.Result{Resource: checks.Resource{Kind: "Namespace", Name: ns.Name}, Evidence: checks.Evidence{
			Expected: "default inbound policy " + strings.Join(authenticatedPolicies, ", ") + ", or Servers authorized by MeshTLSAuthentication",
			Where:    where,
		}}
		observed := fmt.Sprintf("Linkerd default inbound policy %s (from %s)", policy, where)
		switch {
		case slices.Contains(authenticatedPolicies, policy):
			r.Status = checks.Pass
			r.Evidence.Observed = observed
		case len(servers[ns.Name]) > 0:
			sort.Strings(servers[ns.Name])
			r.Status = checks.Warn
			r.Evidence.Observed = observed + "; Servers requiring a mesh identity: " + firstNames(servers[ns.Name]) +
				"; other ports accept unauthenticated clients"
		default:
			r.Status = checks.Fail
			r.Evidence.Observed = observed + ", and no Server authorized by MeshTLSAuthentication: unmeshed clients may connect in plaintext"
		}
		out = append(out, r)
	}
	return out
}

// labelString writes labels as a selector, sorted.
func labelString(l map[string]string) string {
	var parts []string
	for _, k := range sortedKeys(l) {
		parts = append(parts, k+"="+l[k])
	}
	return strings.Join(parts, ",")
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
