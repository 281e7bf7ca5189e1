/*
KP-WL-024: containers run with a read-only root filesystem.

Source: NSA/CISA Kubernetes Hardening Guide v1.2, "Kubernetes Pod security: immutable
container file systems" (kubescape C-0017): an attacker who gets code execution in a container
cannot drop tools, modify binaries or persist there when its root filesystem is read-only;
writable paths the application needs are given explicitly as volumes (emptyDir).

Unit: each top-level workload (see workloads.go), template and pods.

Fields read, in containers, initContainers and ephemeralContainers (ephemeral containers
accept a securityContext; `kubectl debug` leaves theirs unset):

	securityContext.readOnlyRootFilesystem: true

There is no pod-level readOnlyRootFilesystem (PodSecurityContext has none), so each container
must set it; unset means writable. A Windows pod (spec.os.name: windows) cannot set it (the API
rejects the field) and passes with a note.
*/

package workload

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:       "KP-WL-024",
			Title:    "Containers run with a read-only root filesystem",
			Layer:    checks.Workload,
			Severity: checks.Low,
			Description: "A writable root filesystem lets code that runs in the container replace its " +
				"binaries, plant tools and keep state across restarts of the process. With " +
				"readOnlyRootFilesystem the image stays as built, and the few paths the application " +
				"writes are explicit volumes.",
			Remediation: "Set securityContext.readOnlyRootFilesystem: true on every container, init " +
				"container and ephemeral container, and mount an emptyDir (medium: Memory for " +
				"secrets-like scratch) at each path the application writes, such as /tmp.",
			References: checks.References{NSA: []string{"C-0017"}},
		},
		Inputs:   inputs,
		Evaluate: readOnlyRoot,
	})
}

func readOnlyRoot(s *snapshot.Snapshot) []checks.Result {
	ls := newLines()
	return evaluateGraded(s, func(_ *metav1.ObjectMeta, spec *corev1.PodSpec) (checks.Status, string) {
		if spec.OS != nil && spec.OS.Name == corev1.Windows {
			return checks.Pass, "a Windows pod: readOnlyRootFilesystem does not apply"
		}
		var f findings
		eachContainer(spec, func(kind string, c *corev1.Container) {
			sc := c.SecurityContext
			switch {
			case sc == nil || sc.ReadOnlyRootFilesystem == nil:
				ls.add(&f, kind, c, "unset", func() (checks.Status, string) {
					return checks.Fail, "does not set readOnlyRootFilesystem (writable)"
				})
			case !*sc.ReadOnlyRootFilesystem:
				ls.add(&f, kind, c, "false", func() (checks.Status, string) {
					return checks.Fail, "sets readOnlyRootFilesystem=false"
				})
			}
		})
		return f.resultWith(ls)
	}, "every container has readOnlyRootFilesystem=true",
		"securityContext.readOnlyRootFilesystem: true on every container, initContainer and ephemeralContainer")
}
