/*
KP-WL-019: containers run under the runtime's default seccomp profile (CIS 5.6.2).

Source: CIS Kubernetes Benchmark 1.12, 5.6.2 "Ensure that the seccomp profile is set to
docker/default in your Pod definitions" (manual in CIS): "By default, seccomp profile is set to
unconfined which means that no seccomp profiles are enabled"; the audit reviews the pod
definitions for "securityContext: seccompProfile: type: RuntimeDefault" (docker/default is the
old name of the runtime's default profile).

Decision: each container is judged at its effective profile, its own securityContext's
seccompProfile or else the pod's (the API reference, SecurityContext). RuntimeDefault passes.
Unconfined fails, and so does no profile at all: CIS asks for it in the pod definition, so a
kubelet started with seccompDefault: true (which gives such pods RuntimeDefault, KP-NODE-014's
question) does not make the definition pass. Localhost, a profile from the node's disk, is not
the profile CIS asks for and cannot be read from the cluster: WARN, to be reviewed (it may be
stricter or weaker). The Pod Security restricted level accepts Localhost as well. The
deprecated seccomp annotations are not read: the kubelet has not honoured them since
Kubernetes 1.27. A Windows pod (spec.os.name: windows) has no seccomp and passes, with a note.

Unit: each top-level workload (see workloads.go), its template and each of its pods.

Fields read: spec.securityContext.seccompProfile.type, and securityContext.seccompProfile.type
of containers, initContainers and ephemeralContainers; spec.os.name.

	PASS  every container's effective profile is RuntimeDefault
	WARN  a container under a Localhost profile, none failing
	FAIL  a container with no effective profile, or Unconfined
*/

package workload

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubeposture/kubeposture/checks"
)

var seccompRuntimeDefault = podRule{
	ID:       "KP-WL-019",
	Title:    "Containers run under the runtime's default seccomp profile",
	Severity: checks.Low,
	Description: "Without a seccomp profile a container may make every system call of its node's " +
		"kernel, the obscure ones behind most container escapes included; the runtime's default " +
		"profile blocks those an application does not need.",
	Remediation: "Set spec.securityContext.seccompProfile.type: RuntimeDefault in the pod template " +
		"(and no container-level Unconfined).",
	References: checks.References{CIS: []string{"5.6.2"}},
	OK:         "every container under RuntimeDefault",
	Expected:   "seccompProfile.type RuntimeDefault for every container (pod level, or the container's own)",
	judge:      windowsNote(seccompProfile, "a Windows pod: no seccomp"),
}

// seccompProfile grades CIS 5.6.2 on one pod spec.
func seccompProfile(_ *metav1.ObjectMeta, spec *corev1.PodSpec) (checks.Status, string) {
	var pod *corev1.SeccompProfile
	if spec.SecurityContext != nil {
		pod = spec.SecurityContext.SeccompProfile
	}
	var f containerFindings
	eachContainer(spec, func(kind string, c *corev1.Container) {
		p := pod
		if c.SecurityContext != nil && c.SecurityContext.SeccompProfile != nil {
			p = c.SecurityContext.SeccompProfile
		}
		switch {
		case p == nil:
			f.add(checks.Fail, kind, c, "has no seccomp profile (Unconfined unless the kubelet defaults it)")
		case p.Type == corev1.SeccompProfileTypeRuntimeDefault:
		case p.Type == corev1.SeccompProfileTypeLocalhost:
			f.add(checks.Warn, kind, c, "runs under a Localhost profile, not the runtime's default: review it on the nodes")
		default:
			f.add(checks.Fail, kind, c, "runs with seccomp profile "+string(p.Type))
		}
	})
	return f.grade()
}
