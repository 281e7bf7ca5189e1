/*
KP-NET-025: ingress-nginx limits the request rate of public hosts.

Source: ingress-nginx's annotations documentation (kubernetes.github.io/ingress-nginx/
user-guide/nginx-configuration/annotations/#rate-limiting): limit-rps, limit-rpm and
limit-connections cap, per client address, the requests and connections an Ingress takes;
without them one client can flood the backends through the controller. Public means reachable
from outside the cluster's private networks: an address in status.loadBalancer that is not a
private, loopback or link-local IP, or, before the controller publishes one, a rule host that
is not under a reserved internal suffix (.local, .internal, .localhost, .svc, .home.arpa,
.lan). No CIS item covers it.

Reads: Ingresses (class, annotations, hosts, status), and the controllers (their
--ingress-class) with nginxInputs.

Verdict per public Ingress of ingress-nginx: PASS with a rate-limiting annotation, WARN
without (limits may be set elsewhere, in front of the cluster); internal Ingresses: no result.
*/

package network

import (
	"net/netip"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:       "KP-NET-025",
			Title:    "ingress-nginx rate-limits public hosts",
			Layer:    checks.Network,
			Severity: checks.Low,
			Description: "An Ingress reachable from the internet without limit-rps, limit-rpm or limit-connections lets a " +
				"single client send the backends as many requests as the controller takes, a cheap denial of service.",
			Remediation: "Add nginx.ingress.kubernetes.io/limit-rps (and limit-connections) to the Ingress with values the " +
				"backends sustain, or limit the rate in front of the cluster (a WAF or the cloud's DDoS protection) and record " +
				"an exception.",
		},
		Inputs:   nginxInputs,
		Evaluate: nginxRateLimit,
	})
}

var rateLimitAnnotations = []string{"limit-rps", "limit-rpm", "limit-connections"}

// internalSuffixes are DNS suffixes that name nothing on the internet.
var internalSuffixes = []string{".local", ".internal", ".localhost", ".svc", ".home.arpa", ".lan"}

func nginxRateLimit(s *snapshot.Snapshot) []checks.Result {
	ctls := nginxControllers(s)
	var out []checks.Result
	for i := range s.Ingresses {
		ing := &s.Ingresses[i]
		if !nginxIngress(ing, ctls) {
			continue
		}
		public, why := publicIngress(ing)
		if !public {
			continue
		}
		r := checks.Result{Resource: checks.Resource{Kind: "Ingress", Namespace: ing.Namespace, Name: ing.Name},
			Evidence: checks.Evidence{Expected: "nginx.ingress.kubernetes.io/limit-rps, limit-rpm or limit-connections", Where: "metadata.annotations"}}
		var set []string
		for _, a := range rateLimitAnnotations {
			if v, ok := ing.Annotations["nginx.ingress.kubernetes.io/"+a]; ok {
				set = append(set, a+"="+v)
			}
		}
		if len(set) > 0 {
			r.Status = checks.Pass
			r.Evidence.Observed = "public (" + why + "), limited: " + strings.Join(set, ", ")
		} else {
			r.Status = checks.Warn
			r.Evidence.Observed = "public (" + why + ") with no rate-limiting annotation"
		}
		out = append(out, r)
	}
	return out
}

// publicIngress reports whether an Ingress is reachable from the internet, and why.
func publicIngress(ing *networkingv1.Ingress) (bool, string) {
	if lb := ing.Status.LoadBalancer.Ingress; len(lb) > 0 {
		for _, a := range lb {
			if a.Hostname != "" {
				return true, "address " + a.Hostname
			}
			if ip, err := netip.ParseAddr(a.IP); err == nil && !ip.IsPrivate() && !ip.IsLoopback() && !ip.IsLinkLocalUnicast() {
				return true, "address " + a.IP
			}
		}
		return false, ""
	}
	for _, rule := range ing.Spec.Rules {
		if rule.Host == "" {
			return true, "serves any host"
		}
		if !internalHost(rule.Host) {
			return true, "host " + rule.Host
		}
	}
	if len(ing.Spec.Rules) == 0 {
		return true, "default backend for any host"
	}
	return false, ""
}

func internalHost(h string) bool {
	h = strings.ToLower(strings.TrimSuffix(h, "."))
	for _, s := range internalSuffixes {
		if strings.HasSuffix(h, s) {
			return true
		}
	}
	return false
}
