/*
KP-WL-008: no container is privileged (CIS 5.2.2).

Source: CIS Kubernetes Benchmark 1.12, 5.2.2 "Minimize the admission of privileged containers"
(manual in CIS): "Do not generally permit containers to be run with the
securityContext.privileged flag set to true"; the audit lists each pod's containers with their
securityContext.privileged and "is_compliant is false if container's .securityContext.privileged
is set to true". NSA/CISA hardening guide as kubescape ids it, C-0057 "Privileged container"
("securityContext.privileged == true"). Decided by the Pod Security check of the same rule
(k8s.io/pod-security-admission/policy, "privileged"), which is the item word for word.

Unit: each top-level workload (see workloads.go), its template and each of its pods.

Fields read: securityContext.privileged of containers, initContainers and ephemeralContainers
(an init or debug container is as privileged as any other; kube-bench's audit lists
spec.containers only).

	PASS  privileged unset or false on every container
	FAIL  privileged: true on any container
*/

package workload

import "github.com/kubeposture/kubeposture/checks"

var privilegedContainers = podRule{
	ID:       "KP-WL-008",
	Title:    "No container is privileged",
	Severity: checks.High,
	Description: "A privileged container has every capability and every device of its node, and " +
		"no seccomp, AppArmor or SELinux confinement: whoever runs code in it owns the node.",
	Remediation: "Remove securityContext.privileged (or set it to false) on every container of the " +
		"pod template, granting instead the one capability the workload needs, and enforce the " +
		"baseline Pod Security level on its namespace.",
	References: checks.References{CIS: []string{"5.2.2"}, NSA: []string{"C-0057"}},
	OK:         "no privileged container",
	Expected:   "securityContext.privileged unset or false on every container, initContainer and ephemeralContainer",
	judge:      pssCheckGrade("privileged"),
}
