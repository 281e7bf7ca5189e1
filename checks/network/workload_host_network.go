/*
KP-NET-012: workloads do not listen on the node's network.

Source: NSA/CISA Kubernetes Hardening Guide as kubescape ids it: C-0041 "HostNetwork access"
and C-0044 "Container hostPort" (network exposure). The fields' meaning from the Pod API
reference: spec.hostNetwork puts the pod in the node's network namespace, so it listens on
every node address and no NetworkPolicy selects it (Kubernetes documentation, "NetworkPolicies
and hostNetwork pods": most plugins cannot tell its traffic from the node's);
containers[].ports[].hostPort publishes a container port on the node's address, in front of
any policy that governs the pod's own address. The Pod Security baseline level forbids both
(KP-WL-001); this control reads them as network exposure. Init containers count: a sidecar
serves ports.

Reads: the pod specs of the workloads' templates and pods (internal/owners): spec.hostNetwork,
.containers[].ports[].hostPort, .initContainers[].ports[].

Verdict per workload: FAIL when its template or a pod uses hostNetwork; WARN when a container
publishes a hostPort; PASS otherwise.
*/

package network

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/internal/owners"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:       "KP-NET-012",
			Title:    "Workloads do not listen on the node's network",
			Layer:    checks.Network,
			Severity: checks.Medium,
			Description: "A hostNetwork pod listens on every address of its node and escapes NetworkPolicy; a hostPort " +
				"publishes a container port on the node's address. Both expose the workload to whatever can " +
				"reach the nodes, usually far more than its clients.",
			Remediation: "Remove spec.hostNetwork and containers[].ports[].hostPort; expose the workload through a " +
				"Service (ClusterIP behind an Ingress, or a restricted LoadBalancer). Node agents that truly " +
				"need the host network belong in a dedicated namespace with a documented exception.",
		},
		Inputs:   owners.Inputs,
		Evaluate: hostNetwork,
	})
}

func hostNetwork(s *snapshot.Snapshot) []checks.Result {
	us := unitsOf(s) // no engine needed: only the pod specs are read
	out := make([]checks.Result, 0, len(us))
	for i := range us {
		u := &us[i]
		r := checks.Result{Resource: u.res, Evidence: checks.Evidence{
			Expected: "spec.hostNetwork unset and no containers[].ports[].hostPort",
			Where:    u.where + ".hostNetwork, " + u.where + ".containers[].ports[].hostPort",
		}}
		hostTemplate, hostPods := false, []int(nil) // the objects on the host network
		var ports []string
		judge := func(spec *corev1.PodSpec) bool {
			for _, cs := range [][]corev1.Container{spec.InitContainers, spec.Containers} {
				for _, c := range cs {
					for _, cp := range c.Ports {
						if cp.HostPort != 0 {
							proto := cp.Protocol
							if proto == "" {
								proto = corev1.ProtocolTCP
							}
							d := fmt.Sprintf("container %q hostPort %d/%s", c.Name, cp.HostPort, proto)
							if !contains(ports, d) {
								ports = append(ports, d)
							}
						}
					}
				}
			}
			return spec.HostNetwork
		}
		hostTemplate = u.template != nil && judge(&u.template.Spec)
		for k, p := range u.pods {
			if judge(&p.Spec) {
				hostPods = append(hostPods, k)
			}
		}
		switch {
		case hostTemplate || len(hostPods) > 0:
			r.Status = checks.Fail
			r.Evidence.Observed = u.subject(hostTemplate, hostPods, "uses", "use") +
				" hostNetwork: it listens on the node's addresses and NetworkPolicy does not apply"
			if len(ports) > 0 {
				r.Evidence.Observed += "; " + strings.Join(ports, ", ")
			}
		case len(ports) > 0:
			r.Status = checks.Warn
			r.Evidence.Observed = strings.Join(ports, ", ") + ": published on the node's address"
		default:
			r.Status = checks.Pass
			r.Evidence.Observed = "pod network only, no hostPort"
		}
		out = append(out, r)
	}
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
