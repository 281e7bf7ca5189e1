/*
KP-WL-017: pods have no hostPath volume (CIS 5.2.11).

Source: CIS Kubernetes Benchmark 1.12, 5.2.11 "Minimize the admission of HostPath volumes"
(manual in CIS): restrict "the admission of containers with hostPath volumes"; "a hostPath
volume ... can be used to gain access to the node's file system". Any hostPath volume counts,
whatever its path, mount mode or use: the Pod Security check of the same rule
(k8s.io/pod-security-admission/policy, "hostPathVolumes") decides, and names the volumes.
KP-WL-025 and KP-WL-026 grade host paths by what they expose (a runtime socket, credentials,
system directories): rules of their own, which pass a read-only /etc/localtime that CIS 5.2.11
fails.

Unit: each top-level workload (see workloads.go), its template and each of its pods.

Fields read: spec.volumes[*].hostPath.

	PASS  no volume of type hostPath
	FAIL  any hostPath volume (the evidence names them)
*/

package workload

import "github.com/kubeposture/kubeposture/checks"

var hostPathVolumes = podRule{
	ID:       "KP-WL-017",
	Title:    "Pods have no hostPath volume",
	Severity: checks.High,
	Description: "A hostPath volume gives the pod its node's files: read-only, credentials and " +
		"configuration; writable, the node itself. Most workloads need none.",
	Remediation: "Replace hostPath volumes in the pod template with configMap, secret, emptyDir, " +
		"projected or persistent volumes; node agents that need host paths belong in a dedicated " +
		"namespace with a recorded exception.",
	References: checks.References{CIS: []string{"5.2.11"}},
	OK:         "no hostPath volume",
	Expected:   "no spec.volumes[*].hostPath",
	judge:      pssCheckGrade("hostPathVolumes"),
}
