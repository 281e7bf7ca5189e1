package netpol

import (
	"net"
	"net/netip"
	"net/url"
	"strconv"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubeposture/kubeposture/snapshot"
)

// defaultSecurePort is kube-apiserver's --secure-port default.
const defaultSecurePort = 6443

// APIServerTargets lists the addresses at which the snapshot shows the API server: the
// default/kubernetes Service's cluster IPs and ports (which pods use through in-cluster
// configuration), the kube-apiserver component's --advertise-address and --secure-port
// (and kubeadm's advertise-address annotation), the addresses of control-plane nodes (labelled
// node-role.kubernetes.io/control-plane or master) at that port, and the server address the
// collector used when it is an IP. Whether a plugin applies policy before or after a Service's
// address is translated is left open by the documentation, so both the Service address and
// the endpoints count. The list is empty when the snapshot shows none of them.
func APIServerTargets(s *snapshot.Snapshot) []Target {
	var out []Target
	seen := map[netip.AddrPort]bool{}
	add := func(host string, port int32, what string) {
		a, err := netip.ParseAddr(host)
		if err != nil || port <= 0 || port > 65535 {
			return
		}
		a = a.Unmap()
		// A pod's loopback is its own: the server's loopback address says nothing about it.
		if a.IsLoopback() || a.IsUnspecified() {
			return
		}
		k := netip.AddrPortFrom(a, uint16(port))
		if seen[k] {
			return
		}
		seen[k] = true
		out = append(out, Target{Addr: a, Port: port, Protocol: corev1.ProtocolTCP, What: what})
	}

	for i := range s.Services {
		svc := &s.Services[i]
		if svc.Namespace != "default" || svc.Name != "kubernetes" {
			continue
		}
		ips := svc.Spec.ClusterIPs
		if len(ips) == 0 && svc.Spec.ClusterIP != "" {
			ips = []string{svc.Spec.ClusterIP}
		}
		for _, ip := range ips {
			for _, p := range svc.Spec.Ports {
				if p.Protocol == "" || p.Protocol == corev1.ProtocolTCP {
					add(ip, p.Port, "service default/kubernetes")
				}
			}
		}
	}

	port := int32(defaultSecurePort)
	for _, c := range s.Components("kube-apiserver") {
		if v, ok := c.Flag("secure-port"); ok {
			if n, err := strconv.Atoi(v); err == nil {
				port = int32(n)
			}
		}
	}
	for _, c := range s.Components("kube-apiserver") {
		if v, ok := c.Flag("advertise-address"); ok {
			add(v, port, "kube-apiserver --advertise-address")
		}
	}
	for i := range s.Pods {
		p := &s.Pods[i]
		if v, ok := p.Annotations["kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint"]; ok {
			if h, ps, err := net.SplitHostPort(v); err == nil {
				if n, err := strconv.Atoi(ps); err == nil {
					add(h, int32(n), "kubeadm advertise-address endpoint of pod "+p.Namespace+"/"+p.Name)
				}
			}
		}
	}
	for i := range s.Nodes {
		n := &s.Nodes[i]
		_, cp := n.Labels["node-role.kubernetes.io/control-plane"]
		_, master := n.Labels["node-role.kubernetes.io/master"]
		if !cp && !master {
			continue
		}
		for _, a := range n.Status.Addresses {
			if a.Type == corev1.NodeInternalIP || a.Type == corev1.NodeExternalIP {
				add(a.Address, port, "control-plane node "+n.Name)
			}
		}
	}
	if u, err := url.Parse(s.Cluster.Server); err == nil && u.Hostname() != "" {
		p := 443
		if ps := u.Port(); ps != "" {
			p, _ = strconv.Atoi(ps)
		}
		add(u.Hostname(), int32(p), "server address the snapshot was collected from")
	}
	return out
}
