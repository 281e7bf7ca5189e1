/*
KP-WL-009, KP-WL-010, KP-WL-011: pods do not share the host's PID, IPC or network namespace
(CIS 5.2.3, 5.2.4, 5.2.5), one control each.

Source: CIS Kubernetes Benchmark 1.12, 5.2.3 "Minimize the admission of containers wishing to
share the host process ID namespace", 5.2.4 "... host IPC namespace", 5.2.5 "... host network
namespace" (manual in CIS); each audit reads one field of each pod, "is_compliant is false if
Pod's spec.hostPID (hostIPC, hostNetwork) is set to true". NSA/CISA hardening guide as kubescape
ids it: C-0041 "HostNetwork access" is 5.2.5's field. The Pod Security check hostNamespaces
judges the three fields at once; here each recommendation gets the verdict on its own field, so
that `audit scan --control 5.2.5` answers hostNetwork and nothing else. KP-WL-027 judges hostPID
and hostIPC together, as kubescape's C-0038 does.

Unit: each top-level workload (see workloads.go), its template and each of its pods.

	PASS  spec.hostPID (hostIPC, hostNetwork) unset or false
	FAIL  spec.hostPID (hostIPC, hostNetwork): true
*/

package workload

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubeposture/kubeposture/checks"
)

var hostPIDRule = podRule{
	ID:       "KP-WL-009",
	Title:    "Pods do not share the host's process ID namespace",
	Severity: checks.High,
	Description: "A pod with hostPID sees every process of its node, can read their environments " +
		"and, as root, signal or trace them: the kubelet's and other pods' credentials included.",
	Remediation: "Remove spec.hostPID from the pod template (or set it to false); node agents " +
		"that need it belong in a dedicated namespace with a recorded exception.",
	References: checks.References{CIS: []string{"5.2.3"}},
	OK:         "hostPID unset or false",
	Expected:   "spec.hostPID unset or false",
	judge:      hostNamespaceGrade("hostPID", func(s *corev1.PodSpec) bool { return s.HostPID }),
}

var hostIPCRule = podRule{
	ID:       "KP-WL-010",
	Title:    "Pods do not share the host's IPC namespace",
	Severity: checks.Medium,
	Description: "A pod with hostIPC shares its node's System V IPC and POSIX message queues and " +
		"shared memory with every process of the node, and can read or corrupt what they exchange.",
	Remediation: "Remove spec.hostIPC from the pod template (or set it to false).",
	References:  checks.References{CIS: []string{"5.2.4"}},
	OK:          "hostIPC unset or false",
	Expected:    "spec.hostIPC unset or false",
	judge:       hostNamespaceGrade("hostIPC", func(s *corev1.PodSpec) bool { return s.HostIPC }),
}

var hostNetworkRule = podRule{
	ID:       "KP-WL-011",
	Title:    "Pods do not share the host's network namespace",
	Severity: checks.Medium,
	Description: "A pod with hostNetwork listens on every address of its node, reaches the node's " +
		"loopback services and sniffs its traffic, and no NetworkPolicy isolates it.",
	Remediation: "Remove spec.hostNetwork from the pod template (or set it to false) and expose " +
		"the workload through a Service instead.",
	References: checks.References{CIS: []string{"5.2.5"}, NSA: []string{"C-0041"}},
	OK:         "hostNetwork unset or false",
	Expected:   "spec.hostNetwork unset or false",
	judge:      hostNamespaceGrade("hostNetwork", func(s *corev1.PodSpec) bool { return s.HostNetwork }),
}

// hostNamespaceGrade fails a spec whose field (read by set) is true.
func hostNamespaceGrade(field string, set func(*corev1.PodSpec) bool) grade {
	msg := "sets spec." + field + "=true"
	return func(_ *metav1.ObjectMeta, spec *corev1.PodSpec) (checks.Status, string) {
		if set(spec) {
			return checks.Fail, msg
		}
		return checks.Pass, ""
	}
}
