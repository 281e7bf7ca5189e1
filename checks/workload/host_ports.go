/*
KP-WL-018: containers publish no host port (CIS 5.2.12).

Source: CIS Kubernetes Benchmark 1.12, 5.2.12 "Minimize the admission of containers which use
HostPorts" (manual in CIS): restrict "the admission of containers which use hostPort sections".
NSA/CISA hardening guide as kubescape ids it, C-0044 "Container hostPort" ("if it exists inside
the container hostPort"). Decided by the Pod Security check of the same rule
(k8s.io/pod-security-admission/policy, "hostPorts"): a hostPort of 0 is the same as none (the
API's meaning: not published); init containers count (a sidecar serves ports). KP-NET-012 reads
the same field as network exposure, with its own grades.

Unit: each top-level workload (see workloads.go), its template and each of its pods.

Fields read: ports[*].hostPort of containers, initContainers and ephemeralContainers.

	PASS  no hostPort, or hostPort 0
	FAIL  any non-zero hostPort (the evidence names the containers and ports)
*/

package workload

import "github.com/kubeposture/kubeposture/checks"

var hostPortsRule = podRule{
	ID:       "KP-WL-018",
	Title:    "Containers publish no host port",
	Severity: checks.Medium,
	Description: "A hostPort publishes a container's port on its node's addresses, in front of " +
		"any NetworkPolicy that governs the pod's own address, and ties the pod to nodes where " +
		"the port is free.",
	Remediation: "Remove ports[].hostPort from the containers of the pod template and expose the " +
		"workload through a Service (ClusterIP, or NodePort or LoadBalancer where it must be " +
		"reached from outside).",
	References: checks.References{CIS: []string{"5.2.12"}, NSA: []string{"C-0044"}},
	OK:         "no host port",
	Expected:   "ports[*].hostPort unset or 0 on every container, initContainer and ephemeralContainer",
	judge:      pssCheckGrade("hostPorts"),
}
