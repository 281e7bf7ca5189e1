/*
KP-WL-016: no Windows HostProcess container (CIS 5.2.10).

Source: CIS Kubernetes Benchmark 1.12, 5.2.10 "Minimize the admission of Windows HostProcess
containers" (manual in CIS): restrict "the admission of containers that have
.securityContext.windowsOptions.hostProcess set to true". A HostProcess container runs as a
process of the Windows node, with the node's network and file system. Decided by the Pod
Security check of the same rule (k8s.io/pod-security-admission/policy, "windowsHostProcess"),
which reads the pod-level field too: a pod-level hostProcess applies to every container.

Unit: each top-level workload (see workloads.go), its template and each of its pods.

Fields read: spec.securityContext.windowsOptions.hostProcess, and the same on containers,
initContainers and ephemeralContainers.

	PASS  hostProcess unset or false everywhere
	FAIL  hostProcess: true at pod level or on any container
*/

package workload

import "github.com/kubeposture/kubeposture/checks"

var windowsHostProcess = podRule{
	ID:       "KP-WL-016",
	Title:    "No Windows HostProcess container",
	Severity: checks.High,
	Description: "A Windows HostProcess container is a process of its node, with the node's " +
		"network, file system and, as SYSTEM, everything on it: the container boundary does not exist.",
	Remediation: "Remove windowsOptions.hostProcess from the pod template (pod and containers); " +
		"node agents that need it belong in a dedicated namespace with a recorded exception.",
	References: checks.References{CIS: []string{"5.2.10"}},
	OK:         "no HostProcess container",
	Expected:   "securityContext.windowsOptions.hostProcess unset or false, at pod level and on every container",
	judge:      pssCheckGrade("windowsHostProcess"),
}
