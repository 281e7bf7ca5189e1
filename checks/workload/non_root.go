/*
KP-WL-029: containers run as a non-root user and a non-root group (NSA/CISA, kubescape C-0013).

Source: NSA/CISA Kubernetes Hardening Guide, "Kubernetes Pod security: non-root containers", as
kubescape ids it: C-0013 "Non-root containers": "Verify that runAsUser is set to a user id
greater than 0 or that runAsNonRoot is set to true, and that runAsGroup is set to an id greater
than 0. Check all the combinations with PodSecurityContext and SecurityContext (for
containers)." The guide's own example policy asks for a non-root user and group alike. The
group is what sets this area apart from CIS 5.2.7 (KP-WL-013), which asks for the user only;
and, as the area's text says, runAsNonRoot: true satisfies the user part even beside a
runAsUser: 0 (which the kubelet would refuse to start), where CIS 5.2.7 fails it.

Unit: each top-level workload (see workloads.go), its template and each of its pods.

Fields read: runAsUser, runAsNonRoot and runAsGroup of spec.securityContext and of the
securityContext of containers, initContainers and ephemeralContainers (the container's wins);
spec.os.name.

	PASS  every container: (effective runAsUser > 0 or runAsNonRoot: true) and runAsGroup > 0
	FAIL  a container with neither for the user, or no runAsGroup, or runAsGroup 0
	MANUAL  a Windows pod (Linux UIDs and GIDs do not apply)
*/

package workload

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubeposture/kubeposture/checks"
)

var nonRootUserAndGroup = podRule{
	ID:       "KP-WL-029",
	Title:    "Containers run as a non-root user and a non-root group",
	Severity: checks.Medium,
	Description: "A container that runs as UID 0, or in group 0, keeps root's access to every " +
		"root-owned file the container or a mounted volume exposes, and is one kernel or runtime " +
		"flaw away from root on the node.",
	Remediation: "Set spec.securityContext.runAsUser and runAsGroup to non-zero ids (or " +
		"runAsNonRoot: true with runAsGroup) in the pod template.",
	References: checks.References{NSA: []string{"C-0013"}},
	OK:         "every container runs as a non-root user and group",
	Expected:   "every container: runAsUser > 0 or runAsNonRoot: true, and runAsGroup > 0 (pod or container level)",
	judge:      nonRootUserGroup,
}

// nonRootUserGroup grades kubescape's C-0013 on one pod spec.
func nonRootUserGroup(_ *metav1.ObjectMeta, spec *corev1.PodSpec) (checks.Status, string) {
	if isWindows(spec) {
		return checks.Manual, "a Windows pod: Linux UIDs and GIDs do not apply; check windowsOptions.runAsUserName"
	}
	var f containerFindings
	eachContainer(spec, func(kind string, c *corev1.Container) {
		uid, nonRoot := effectiveUser(spec, c)
		user := (uid != nil && *uid > 0) || (nonRoot != nil && *nonRoot)
		gid := effectiveGroup(spec, c)
		group := gid != nil && *gid > 0
		switch {
		case !user && !group:
			f.add(checks.Fail, kind, c, "sets neither a non-root user (runAsUser > 0 or runAsNonRoot=true) nor runAsGroup > 0")
		case !user:
			f.add(checks.Fail, kind, c, "sets no non-root user (runAsUser > 0 or runAsNonRoot=true)")
		case gid == nil:
			f.add(checks.Fail, kind, c, "sets no runAsGroup (the image's group decides)")
		case !group:
			f.add(checks.Fail, kind, c, "runs in group 0 (runAsGroup=0)")
		}
	})
	return f.grade()
}
