/*
KP-WL-013: containers do not run as root (CIS 5.2.7).

Source: CIS Kubernetes Benchmark 1.12, 5.2.7 "Minimize the admission of root containers"
(manual in CIS): "Do not generally permit containers to be run as the root user ... Ideally, all
containers should run as a defined non-UID 0 user"; the policy it asks for sets "either
MustRunAsNonRoot or MustRunAs with the range of UIDs not including 0"; default value: "if a User
is not specified in the image, the container will run as root".

Decision: a container passes when it cannot run as UID 0, which the pod spec shows in one of two
ways, each enough on its own (CIS names both): runAsUser set to a non-zero UID (the process runs
as that UID, whatever the image says), or runAsNonRoot: true with no runAsUser (the kubelet
refuses to start the container when the image's user is 0 or not numeric: kubelet
verifyRunAsNonRoot). The container's own field wins over the pod's (the API reference,
SecurityContext). runAsUser: 0 fails even with runAsNonRoot: true (both policies CIS names
reject it; the kubelet would refuse to start it). Neither set fails: the image decides, and CIS
says an image without a user runs as root. The Pod Security restricted level (KP-WL-002) is
stricter: it requires runAsNonRoot: true and fails runAsNonRoot: false with runAsUser: 1000,
which runs as 1000 and passes here. With hostUsers: false the container's UID 0 is mapped to an
unprivileged UID of the node (user namespaces): it is still root inside the container, which is
what CIS counts, and fails here (the restricted level allows it since policy v1.35), with a
note. A Windows pod (spec.os.name: windows) has no Linux UIDs (the API rejects the fields):
MANUAL, its windowsOptions.runAsUserName to be looked at. kube-bench leaves 5.2.7 manual;
kubescape's C-0198 checks the namespace's Pod Security label, not the pods.

Unit: each top-level workload (see workloads.go), its template and each of its pods.

Fields read: spec.securityContext.runAsUser and .runAsNonRoot; the same on the securityContext
of containers, initContainers and ephemeralContainers; spec.hostUsers; spec.os.name.

	PASS  every container: effective runAsUser > 0, or runAsNonRoot: true and no runAsUser
	FAIL  a container with effective runAsUser 0, or neither a runAsUser nor runAsNonRoot: true
	MANUAL  a Windows pod
*/

package workload

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubeposture/kubeposture/checks"
)

var rootContainers = podRule{
	ID:       "KP-WL-013",
	Title:    "Containers do not run as root",
	Severity: checks.Medium,
	Description: "A container running as UID 0 is root on its node's kernel, confined only by " +
		"the runtime: a kernel or runtime flaw, a writable host path or an added capability " +
		"turns that into root on the node. Without a runAsUser or runAsNonRoot the image " +
		"decides, and most images run as root.",
	Remediation: "Set spec.securityContext.runAsUser to a non-zero UID (or runAsNonRoot: true, " +
		"with an image whose USER is a numeric non-zero UID) in the pod template, and no " +
		"runAsUser: 0 on any container.",
	References: checks.References{CIS: []string{"5.2.7"}},
	OK:         "no container can run as root",
	Expected:   "every container: runAsUser > 0, or runAsNonRoot: true without runAsUser (pod or container level; the container's wins)",
	judge:      runsAsRoot,
}

// runsAsRoot grades CIS 5.2.7 on one pod spec.
func runsAsRoot(_ *metav1.ObjectMeta, spec *corev1.PodSpec) (checks.Status, string) {
	if isWindows(spec) {
		return checks.Manual, "a Windows pod: Linux UIDs do not apply; check that windowsOptions.runAsUserName is not ContainerAdministrator"
	}
	var f containerFindings
	eachContainer(spec, func(kind string, c *corev1.Container) {
		uid, nonRoot := effectiveUser(spec, c)
		switch {
		case uid != nil && *uid == 0:
			f.add(checks.Fail, kind, c, "runs as UID 0 (runAsUser=0)")
		case uid != nil:
		case nonRoot != nil && *nonRoot:
		default:
			f.add(checks.Fail, kind, c, "may run as root: no runAsUser and no runAsNonRoot=true (the image's user decides)")
		}
	})
	st, msg := f.grade()
	if st == checks.Fail && spec.HostUsers != nil && !*spec.HostUsers {
		msg += " (hostUsers=false: UID 0 in the container maps to an unprivileged UID of the node)"
	}
	return st, msg
}

// effectiveUser returns the runAsUser and runAsNonRoot that apply to container c of spec: the
// container's own, else the pod's (nil when neither sets it).
func effectiveUser(spec *corev1.PodSpec, c *corev1.Container) (uid *int64, nonRoot *bool) {
	if p := spec.SecurityContext; p != nil {
		uid, nonRoot = p.RunAsUser, p.RunAsNonRoot
	}
	if sc := c.SecurityContext; sc != nil {
		if sc.RunAsUser != nil {
			uid = sc.RunAsUser
		}
		if sc.RunAsNonRoot != nil {
			nonRoot = sc.RunAsNonRoot
		}
	}
	return uid, nonRoot
}

// effectiveGroup returns the runAsGroup that applies to container c of spec, or nil.
func effectiveGroup(spec *corev1.PodSpec, c *corev1.Container) *int64 {
	if sc := c.SecurityContext; sc != nil && sc.RunAsGroup != nil {
		return sc.RunAsGroup
	}
	if p := spec.SecurityContext; p != nil {
		return p.RunAsGroup
	}
	return nil
}
