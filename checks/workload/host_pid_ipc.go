/*
KP-WL-027: pods share neither the host's PID nor its IPC namespace (NSA/CISA, kubescape
C-0038).

Source: NSA/CISA Kubernetes Hardening Guide, "Kubernetes Pod security: pod security
enforcement", as kubescape ids it: C-0038 "Host PID/IPC privileges", which "identifies all pods
using hostPID or hostIPC privileges". The area asks for both fields at once, so it gets a
control of its own; CIS asks for each on its own (KP-WL-009, KP-WL-010).

Unit: each top-level workload (see workloads.go), its template and each of its pods.

	PASS  spec.hostPID and spec.hostIPC unset or false
	FAIL  either set to true (the evidence names which)
*/

package workload

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubeposture/kubeposture/checks"
)

var hostPIDOrIPC = podRule{
	ID:       "KP-WL-027",
	Title:    "Pods share neither the host's PID nor its IPC namespace",
	Severity: checks.High,
	Description: "hostPID lets a pod see, trace and signal every process of its node; hostIPC lets it " +
		"read and corrupt the shared memory and message queues of the node's processes. Either " +
		"breaks the isolation between the pod and its node.",
	Remediation: "Remove spec.hostPID and spec.hostIPC from the pod template (or set them to false).",
	References:  checks.References{NSA: []string{"C-0038"}},
	OK:          "hostPID and hostIPC unset or false",
	Expected:    "spec.hostPID and spec.hostIPC unset or false",
	judge: func(_ *metav1.ObjectMeta, spec *corev1.PodSpec) (checks.Status, string) {
		switch {
		case spec.HostPID && spec.HostIPC:
			return checks.Fail, "sets spec.hostPID=true and spec.hostIPC=true"
		case spec.HostPID:
			return checks.Fail, "sets spec.hostPID=true"
		case spec.HostIPC:
			return checks.Fail, "sets spec.hostIPC=true"
		}
		return checks.Pass, ""
	},
}
