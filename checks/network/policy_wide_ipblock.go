/*
KP-NET-006: NetworkPolicy ipBlocks are not wider than needed.

Source: NSA/CISA Kubernetes Hardening Guide, network policies (kubescape C-0030): allow only
the addresses a workload needs. The field's meaning from the NetworkPolicy API reference
(IPBlock, k8s.io/api networking/v1 v0.37.2): cidr minus every except. A prefix of length 0
(0.0.0.0/0, ::/0) is every address of the family; shorter than /8 (IPv4) or /32 (IPv6)
covers a large share of the internet. No CIS 1.12 control covers it.

Reads: networkPolicies[].spec.ingress[].from[].ipBlock, .egress[].to[].ipBlock,
spec.policyTypes (rules of a direction the policy does not govern are ignored).

Verdict per NetworkPolicy: FAIL when an ingress ipBlock is /0 (connections accepted from any
address, except what its excepts carve out); WARN when an egress ipBlock is /0 (the common
"allow the internet" rule: worth a look, often intended) or any ipBlock is shorter than /8
(IPv4) or /32 (IPv6); PASS otherwise (also with no ipBlock at all).
*/

package network

import (
	"fmt"
	"net/netip"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/internal/netpol"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:       "KP-NET-006",
			Title:    "NetworkPolicy ipBlocks are not wider than needed",
			Layer:    checks.Network,
			Severity: checks.Medium,
			Description: "An ipBlock of 0.0.0.0/0 or ::/0 in an ingress rule accepts connections from any address; " +
				"very short prefixes are nearly as wide. In egress rules they let pods reach most of the internet.",
			Remediation: "Narrow each ipBlock to the clients or services that need it (a load balancer's or " +
				"partner's ranges, a specific API's addresses), and use except to carve out the cloud " +
				"metadata range 169.254.0.0/16 from any egress block that covers it.",
		},
		Inputs:   []snapshot.Resource{snapshot.ResNetworkPolicies},
		Evaluate: wideIPBlocks,
	})
}

func wideIPBlocks(s *snapshot.Snapshot) []checks.Result {
	out := make([]checks.Result, 0, len(s.NetworkPolicies))
	for i := range s.NetworkPolicies {
		np := &s.NetworkPolicies[i]
		types := netpol.EffectiveTypes(&np.Spec)
		var fail, warn []string
		n := 0
		judge := func(field string, peers []networkingv1.NetworkPolicyPeer, ingress bool) {
			for k, p := range peers {
				if p.IPBlock == nil {
					continue
				}
				n++
				pfx, err := netip.ParsePrefix(p.IPBlock.CIDR)
				if err != nil {
					warn = append(warn, fmt.Sprintf("%s[%d].ipBlock.cidr %q is not a CIDR", field, k, p.IPBlock.CIDR))
					continue
				}
				desc := fmt.Sprintf("%s[%d].ipBlock %s", field, k, p.IPBlock.CIDR)
				if len(p.IPBlock.Except) > 0 {
					desc += " except " + strings.Join(p.IPBlock.Except, ", ")
				}
				switch {
				case pfx.Bits() == 0 && ingress:
					fail = append(fail, desc+" (any address)")
				case pfx.Bits() == 0:
					warn = append(warn, desc+" (any address)")
				case pfx.Addr().Is4() && pfx.Bits() < 8, pfx.Addr().Is6() && pfx.Bits() < 32:
					warn = append(warn, desc+" (very wide)")
				}
			}
		}
		if types[netpol.Ingress] {
			for j, r := range np.Spec.Ingress {
				judge(fmt.Sprintf("spec.ingress[%d].from", j), r.From, true)
			}
		}
		if types[netpol.Egress] {
			for j, r := range np.Spec.Egress {
				judge(fmt.Sprintf("spec.egress[%d].to", j), r.To, false)
			}
		}
		r := checks.Result{
			Resource: checks.Resource{Kind: "NetworkPolicy", Namespace: np.Namespace, Name: np.Name},
			Evidence: checks.Evidence{
				Expected: "ipBlocks no wider than /8 (IPv4) or /32 (IPv6); never 0.0.0.0/0 or ::/0 for ingress",
				Where:    "spec.ingress[].from[].ipBlock, spec.egress[].to[].ipBlock",
			},
		}
		switch {
		case len(fail) > 0:
			r.Status = checks.Fail
			r.Evidence.Observed = strings.Join(append(fail, warn...), "; ")
		case len(warn) > 0:
			r.Status = checks.Warn
			r.Evidence.Observed = strings.Join(warn, "; ")
		default:
			r.Status = checks.Pass
			r.Evidence.Observed = fmt.Sprintf("%d %s, none wide", n, plural(n, "ipBlock", "ipBlocks"))
		}
		out = append(out, r)
	}
	return out
}
