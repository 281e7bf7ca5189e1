/*
KP-NET-022: no DestinationRule turns mutual TLS off towards a meshed service.

Source: Istio's DestinationRule reference (istio.io/latest/docs/reference/config/networking/
destination-rule/#ClientTLSSettings-TLSmode): tls.mode DISABLE makes the client sidecars send
plaintext to the host, at the rule's level, a port's (portLevelSettings) or a subset's, whatever
the PeerAuthentication of the server; a STRICT server then refuses the traffic, a PERMISSIVE
one takes it unencrypted and unauthenticated. spec.host is a short name (resolved in the rule's
namespace), a fully qualified name NAME.NAMESPACE.svc.cluster.local, a wildcard
"*.NAMESPACE.svc.cluster.local", or "*". No CIS item covers it.

Reads: destinationRules (host, every tls.mode), namespaces (which are meant to be meshed).

Verdict per DestinationRule: FAIL when a tls.mode is DISABLE and its host is a service of a
namespace meant to be in the Istio mesh; PASS otherwise (hosts outside the cluster or outside
the mesh may need plaintext).
*/

package network

import (
	"strings"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:       "KP-NET-022",
			Title:    "DestinationRules keep mutual TLS to meshed services",
			Layer:    checks.Network,
			Severity: checks.Medium,
			Description: "An Istio DestinationRule with tls.mode DISABLE makes clients send plaintext to its host, at the " +
				"rule's, a port's or a subset's level, bypassing the mesh's mutual TLS towards services that could have it.",
			Remediation: "Remove the tls block (Istio then uses ISTIO_MUTUAL automatically) or set tls.mode: ISTIO_MUTUAL " +
				"in the listed DestinationRules; keep DISABLE only for hosts outside the mesh.",
		},
		Inputs:   []snapshot.Resource{snapshot.ResNamespaces, snapshot.ResIstioDestinationRules},
		Evaluate: destinationTLS,
	})
}

func destinationTLS(s *snapshot.Snapshot) []checks.Result {
	meshed := meshedNamespaces(s)
	istioNS := func(ns string) bool { m := meshed[ns]; return m == istioSidecar || m == istioAmbient }
	anyIstio := false
	for ns := range meshed {
		anyIstio = anyIstio || istioNS(ns)
	}
	var out []checks.Result
	for i := range s.DestinationRules {
		d := &s.DestinationRules[i]
		r := checks.Result{Resource: checks.Resource{Kind: "DestinationRule", Namespace: d.Namespace, Name: d.Name},
			Evidence: checks.Evidence{Expected: "no tls.mode DISABLE towards a meshed service", Where: "spec.trafficPolicy.tls.mode"}}
		var disabled []string
		for _, t := range d.TLS {
			if t.Mode == "DISABLE" {
				disabled = append(disabled, t.Where)
			}
		}
		ns, all := hostNamespace(d.Host, d.Namespace)
		inMesh := all && anyIstio || ns != "" && istioNS(ns)
		switch {
		case len(disabled) == 0:
			r.Status = checks.Pass
			r.Evidence.Observed = "host " + d.Host + ": no tls.mode DISABLE"
		case !inMesh:
			r.Status = checks.Pass
			r.Evidence.Observed = "host " + d.Host + " is not a service of a meshed namespace; DISABLE at " + strings.Join(disabled, ", ")
		default:
			r.Status = checks.Fail
			r.Evidence.Observed = "host " + d.Host + " (a meshed namespace's service) with tls.mode DISABLE at " + strings.Join(disabled, ", ")
			r.Evidence.Where = strings.Join(disabled, ", ")
		}
		out = append(out, r)
	}
	return out
}

// hostNamespace is the namespace of the services a DestinationRule's host names, or all when it
// names services of every namespace; "" and false for a host outside the cluster.
func hostNamespace(host, ruleNS string) (ns string, all bool) {
	if host == "*" {
		return "", true
	}
	if !strings.Contains(host, ".") {
		return ruleNS, false
	}
	rest, ok := strings.CutSuffix(host, ".svc.cluster.local")
	if !ok {
		return "", false
	}
	name, namespace, ok := strings.Cut(rest, ".")
	if !ok { // "*.svc.cluster.local"
		return "", name == "*"
	}
	return namespace, false
}
