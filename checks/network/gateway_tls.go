/*
KP-NET-026: public Gateways serve HTTP only to redirect to HTTPS.

Source: the Gateway API reference (gateway-api.sigs.k8s.io/reference/spec/#listener and
guides/http-redirect-rewrite/): a listener of protocol HTTP serves its routes in plaintext;
HTTPS and TLS listeners terminate (or pass through) TLS; an HTTPRoute attaches to a listener
through a parentRef naming the Gateway, and its sectionName (the listener) or port when set; the
usual port-80 listener carries only routes whose rules answer with a RequestRedirect filter to
the https scheme. A Gateway is public when one of its status.addresses is a hostname or an IP
that is not private, loopback or link-local, or when it has none yet. Listener tls.options are
implementation-specific and not judged. No CIS item covers it.

Reads: gateways (listeners, status.addresses), httpRoutes (parents, redirect).

Verdict per public Gateway: FAIL when an HTTP listener carries a route that does not redirect
to HTTPS; PASS otherwise (every listener TLS, or HTTP listeners that only redirect or carry no
route); Gateways with private addresses only: no result.
*/

package network

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:       "KP-NET-026",
			Title:    "Public Gateways serve HTTP only to redirect to HTTPS",
			Layer:    checks.Network,
			Severity: checks.Low,
			Description: "A Gateway API listener of protocol HTTP serves its routes in plaintext, exposing credentials and " +
				"session cookies on the way; on a public Gateway, HTTP should only redirect to an HTTPS listener.",
			Remediation: "Serve the routes from an HTTPS listener (tls.certificateRefs) and attach to the HTTP listener " +
				"only an HTTPRoute whose rules use a RequestRedirect filter with scheme: https.",
		},
		Inputs:   []snapshot.Resource{snapshot.ResGateways, snapshot.ResHTTPRoutes},
		Evaluate: gatewayTLS,
	})
}

func gatewayTLS(s *snapshot.Snapshot) []checks.Result {
	var out []checks.Result
	for i := range s.Gateways {
		g := &s.Gateways[i]
		if !publicGateway(g) {
			continue
		}
		r := checks.Result{Resource: checks.Resource{Kind: "Gateway", Namespace: g.Namespace, Name: g.Name},
			Evidence: checks.Evidence{Expected: "HTTP listeners carry only routes that redirect to https", Where: "spec.listeners"}}
		var plain, redirecting []string
		for _, l := range g.Listeners {
			if l.Protocol != "HTTP" {
				continue
			}
			for _, rt := range s.HTTPRoutes {
				if !attaches(&rt, g, &l) {
					continue
				}
				name := fmt.Sprintf("listener %s (port %d): HTTPRoute %s/%s", l.Name, l.Port, rt.Namespace, rt.Name)
				if rt.RedirectsToHTTPS {
					redirecting = append(redirecting, name)
				} else {
					plain = append(plain, name)
				}
			}
		}
		switch {
		case len(plain) > 0:
			r.Status = checks.Fail
			r.Evidence.Observed = "served over plain HTTP: " + firstNames(plain)
		case len(redirecting) > 0:
			r.Status = checks.Pass
			r.Evidence.Observed = "HTTP listeners only redirect to https: " + firstNames(redirecting)
		default:
			r.Status = checks.Pass
			r.Evidence.Observed = "no route served over plain HTTP (listeners: " + listenerSummary(g) + ")"
		}
		out = append(out, r)
	}
	return out
}

// attaches reports whether route attaches to listener l of g.
func attaches(route *snapshot.HTTPRoute, g *snapshot.Gateway, l *snapshot.Listener) bool {
	for _, p := range route.Parents {
		if p.Namespace == g.Namespace && p.Name == g.Name &&
			(p.SectionName == "" || p.SectionName == l.Name) && (p.Port == 0 || p.Port == l.Port) {
			return true
		}
	}
	return false
}

func listenerSummary(g *snapshot.Gateway) string {
	var parts []string
	for _, l := range g.Listeners {
		p := fmt.Sprintf("%s %s/%d", l.Name, l.Protocol, l.Port)
		if l.TLSMode != "" {
			p += " tls " + l.TLSMode
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, ", ")
}

// publicGateway reports whether a Gateway may be reached from the internet: an address that
// is a hostname or a public IP, or no address published yet.
func publicGateway(g *snapshot.Gateway) bool {
	if len(g.Addresses) == 0 {
		return true
	}
	for _, a := range g.Addresses {
		ip, err := netip.ParseAddr(a)
		if err != nil || !ip.IsPrivate() && !ip.IsLoopback() && !ip.IsLinkLocalUnicast() {
			return true
		}
	}
	return false
}
