/*
KP-NET-002: Services are not exposed outside the cluster without restriction.

Source: NSA/CISA Kubernetes Hardening Guide, "Network separation and hardening" (limit what is
reachable from outside the cluster); the fields' meaning from the Service API reference and
k8s.io/cloud-provider service helpers (GetLoadBalancerSourceRanges: the spec field wins over
the annotation). No CIS 1.12 control and no kubescape NSA id in our reference covers it, so
the control carries no framework reference.

Reads: services[].spec.type, .ports[] (port, protocol, nodePort), .loadBalancerSourceRanges,
metadata.annotations["service.beta.kubernetes.io/load-balancer-source-ranges"] (comma
list, used only when the field is empty), .externalIPs, status.loadBalancer.ingress.

Verdict per Service:

	LoadBalancer, no source ranges                    FAIL (open to any address)
	LoadBalancer, a range with prefix length 0        FAIL (0.0.0.0/0, ::/0: no restriction)
	LoadBalancer, source ranges                       WARN (exposed, restricted)
	NodePort                                          WARN (reachable on every node's address)
	ClusterIP (also headless) or ExternalName         PASS
	  ... with spec.externalIPs                       WARN (reachable on those addresses)
*/

package network

import (
	"net/netip"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

// sourceRangesAnnotation is the older way to restrict a LoadBalancer, still honoured by the
// cloud providers when spec.loadBalancerSourceRanges is empty.
const sourceRangesAnnotation = "service.beta.kubernetes.io/load-balancer-source-ranges"

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:       "KP-NET-002",
			Title:    "Services are not exposed outside the cluster without restriction",
			Layer:    checks.Network,
			Severity: checks.Medium,
			Description: "A LoadBalancer Service without source ranges is reachable from any address the " +
				"load balancer faces, usually the internet; NodePort Services and external IPs open " +
				"ports on node addresses. Each should be intended and restricted to the clients that need it.",
			Remediation: "Prefer type ClusterIP behind an Ingress or gateway. Where a LoadBalancer is needed, " +
				"set spec.loadBalancerSourceRanges to the client CIDRs (never 0.0.0.0/0 or ::/0), or use " +
				"your provider's internal load balancer; replace NodePort Services with ClusterIP, or " +
				"firewall the node port range.",
		},
		Inputs:   []snapshot.Resource{snapshot.ResServices},
		Evaluate: serviceExposure,
	})
}

func serviceExposure(s *snapshot.Snapshot) []checks.Result {
	out := make([]checks.Result, 0, len(s.Services))
	for i := range s.Services {
		out = append(out, judgeService(&s.Services[i]))
	}
	return out
}

func judgeService(svc *corev1.Service) checks.Result {
	r := checks.Result{
		Resource: checks.Resource{Kind: "Service", Namespace: svc.Namespace, Name: svc.Name},
		Evidence: checks.Evidence{
			Expected: "type ClusterIP, or LoadBalancer with spec.loadBalancerSourceRanges that exclude 0.0.0.0/0 and ::/0",
			Where:    "spec.type",
		},
	}
	typ := svc.Spec.Type
	if typ == "" {
		typ = corev1.ServiceTypeClusterIP // the API default
	}
	var b strings.Builder
	b.WriteString("type ")
	b.WriteString(string(typ))

	switch typ {
	case corev1.ServiceTypeLoadBalancer:
		writePorts(&b, svc.Spec.Ports)
		if addrs := lbAddresses(svc); addrs != "" {
			b.WriteString(", at ")
			b.WriteString(addrs)
		}
		ranges, from := sourceRanges(svc)
		r.Evidence.Where = "spec.type, " + from
		if len(ranges) == 0 {
			r.Status = checks.Fail
			b.WriteString(", no loadBalancerSourceRanges: open to any address")
			break
		}
		var open, invalid []string
		for _, c := range ranges {
			p, err := netip.ParsePrefix(c)
			switch {
			case err != nil:
				invalid = append(invalid, c)
			case p.Bits() == 0: // 0.0.0.0/0, ::/0, or any address with /0: everything
				open = append(open, c)
			}
		}
		b.WriteString(", source ranges ")
		b.WriteString(strings.Join(ranges, ", "))
		if len(invalid) > 0 {
			b.WriteString(" (not CIDRs: ")
			b.WriteString(strings.Join(invalid, ", "))
			b.WriteString(")")
		}
		if len(open) > 0 {
			r.Status = checks.Fail
			b.WriteString(": ")
			b.WriteString(strings.Join(open, ", "))
			b.WriteString(" allows any address")
		} else {
			r.Status = checks.Warn
			b.WriteString(": exposed, restricted to these ranges")
		}
	case corev1.ServiceTypeNodePort:
		r.Status = checks.Warn
		r.Evidence.Where = "spec.type, spec.ports[].nodePort"
		writePorts(&b, svc.Spec.Ports)
		b.WriteString(": reachable on every node's address")
	case corev1.ServiceTypeExternalName:
		r.Status = checks.Pass
		b.WriteString(" (")
		b.WriteString(svc.Spec.ExternalName)
		b.WriteString("): a DNS alias, no port opened")
	default: // ClusterIP
		r.Status = checks.Pass
		if svc.Spec.ClusterIP == corev1.ClusterIPNone {
			b.WriteString(" (headless)")
		}
		b.WriteString(": reachable inside the cluster only")
	}

	// externalIPs make any type reachable on those addresses (the node routes them to the
	// service), so they are exposure too.
	if len(svc.Spec.ExternalIPs) > 0 {
		b.WriteString("; externalIPs ")
		b.WriteString(strings.Join(svc.Spec.ExternalIPs, ", "))
		r.Evidence.Where += ", spec.externalIPs"
		if r.Status == checks.Pass {
			r.Status = checks.Warn
			b.WriteString(": reachable on those addresses")
		}
	}
	r.Evidence.Observed = b.String()
	return r
}

// sourceRanges returns the effective source ranges and the place they were read from: the
// spec field when set, else the annotation, as the cloud providers read them.
func sourceRanges(svc *corev1.Service) (ranges []string, from string) {
	if len(svc.Spec.LoadBalancerSourceRanges) > 0 {
		for _, c := range svc.Spec.LoadBalancerSourceRanges {
			if c = strings.TrimSpace(c); c != "" {
				ranges = append(ranges, c)
			}
		}
		return ranges, "spec.loadBalancerSourceRanges"
	}
	if v, ok := svc.Annotations[sourceRangesAnnotation]; ok {
		for _, c := range strings.Split(v, ",") {
			if c = strings.TrimSpace(c); c != "" {
				ranges = append(ranges, c)
			}
		}
		return ranges, "metadata.annotations[" + sourceRangesAnnotation + "]"
	}
	return nil, "spec.loadBalancerSourceRanges"
}

// writePorts appends ", ports 443/TCP (nodePort 31443), ..." to b.
func writePorts(b *strings.Builder, ports []corev1.ServicePort) {
	if len(ports) == 0 {
		return
	}
	b.WriteString(", ports ")
	for i, p := range ports {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Itoa(int(p.Port)))
		b.WriteString("/")
		proto := p.Protocol
		if proto == "" {
			proto = corev1.ProtocolTCP
		}
		b.WriteString(string(proto))
		if p.NodePort != 0 {
			b.WriteString(" (nodePort ")
			b.WriteString(strconv.Itoa(int(p.NodePort)))
			b.WriteString(")")
		}
	}
}

// lbAddresses lists the load balancer's public addresses, so that the evidence says where
// the service is reachable.
func lbAddresses(svc *corev1.Service) string {
	var addrs []string
	for _, in := range svc.Status.LoadBalancer.Ingress {
		if in.IP != "" {
			addrs = append(addrs, in.IP)
		}
		if in.Hostname != "" {
			addrs = append(addrs, in.Hostname)
		}
	}
	return strings.Join(addrs, ", ")
}
