/*
KP-WL-012: containers cannot gain more privileges than they started with (CIS 5.2.6).

Source: CIS Kubernetes Benchmark 1.12, 5.2.6 "Minimize the admission of containers with
allowPrivilegeEscalation" (manual in CIS): "Do not generally permit containers to be run with
the allowPrivilegeEscalation flag set to true. Allowing this right can lead to a process
running a container getting more rights than it started with." Its default value: "If notset,
privilege escalation is allowed (default to true)". NSA/CISA hardening guide as kubescape ids
it, C-0016 "Allow privilege escalation" ("allowPrivilegeEscalation ... set to false").

Decision: a container passes only with allowPrivilegeEscalation: false. Unset is escalation
allowed: the field maps to the kernel's no_new_privs flag (prctl PR_SET_NO_NEW_PRIVS), which
the runtime sets only when the field is false, so a setuid binary or file capabilities raise the
process's privileges whenever it is unset (Kubernetes API reference, SecurityContext; and
privileged or CAP_SYS_ADMIN containers always escalate, the API refusing false with either).
kube-bench's audit takes unset as compliant ("false or notset"); kubescape C-0016 and the Pod
Security restricted check do not, and neither does this control. The rule is the Pod Security
check allowPrivilegeEscalation at the latest version, which is exactly this, Windows pods
included: they are exempt (no setuid, and the API rejects the field for them).

Unit: each top-level workload (see workloads.go), its template and each of its pods.

Fields read: securityContext.allowPrivilegeEscalation of containers, initContainers and
ephemeralContainers; spec.os.name.

	PASS  allowPrivilegeEscalation: false on every container; a Windows pod (spec.os.name: windows)
	FAIL  a container with it unset or true
*/

package workload

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubeposture/kubeposture/checks"
)

var privilegeEscalation = podRule{
	ID:       "KP-WL-012",
	Title:    "Containers cannot gain more privileges than they started with",
	Severity: checks.Medium,
	Description: "Unless allowPrivilegeEscalation is false, a process in the container can gain " +
		"privileges through setuid binaries or file capabilities (the kernel's no_new_privs flag " +
		"is not set); left unset, escalation is allowed.",
	Remediation: "Set securityContext.allowPrivilegeEscalation: false on every container, init " +
		"container and ephemeral container of the pod template.",
	References: checks.References{CIS: []string{"5.2.6"}, NSA: []string{"C-0016"}},
	OK:         "allowPrivilegeEscalation=false on every container",
	Expected:   "securityContext.allowPrivilegeEscalation: false on every container, initContainer and ephemeralContainer (unset allows escalation)",
	judge:      windowsNote(pssCheckGrade("allowPrivilegeEscalation"), "a Windows pod: no privilege escalation to forbid"),
}

// windowsNote passes a Windows pod with note, and grades others with g.
func windowsNote(g grade, note string) grade {
	return func(meta *metav1.ObjectMeta, spec *corev1.PodSpec) (checks.Status, string) {
		if isWindows(spec) {
			return checks.Pass, note
		}
		return g(meta, spec)
	}
}
