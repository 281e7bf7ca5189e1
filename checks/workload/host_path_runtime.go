/*
KP-WL-025: no container mounts the node's root filesystem or a container runtime socket.

Source: NSA/CISA Kubernetes Hardening Guide v1.2, "Kubernetes Pod security" (hostPath
volumes give containers access to the node; restrict them to the paths needed, read-only).
CIS 5.2.11 fails any hostPath volume (KP-WL-017); this control singles out the mounts that hand
the node over, passes the others, and so claims no framework item. A container runtime's socket (Docker, containerd, CRI-O, cri-dockerd, Podman, or
any *.sock: a node daemon's API) lets the container start a privileged container on the node;
the node's root filesystem holds every credential of the node and, writable, its binaries. A
read-only mount does not help: a socket is written through a read-only mount (connect(2)
needs no write access to the filesystem), and "/" read-only still reads every secret.

Unit: each top-level workload (see workloads.go), template and pods.

Fields read: spec.volumes[].hostPath.path, and the volumeMounts (name, subPath, readOnly) of
containers, initContainers and ephemeralContainers. A mount is judged at the node path it
exposes, hostPath.path joined with subPath (a volume of "/var" mounted with subPath
"run/docker.sock" is the Docker socket); with subPathExpr, at the volume's path. A directory
that contains a runtime socket exposes it ("/var", "/run", "/run/containerd"). A hostPath
volume that no container mounts exposes nothing. The classification is in host_paths.go.

	FAIL  any mount of "/", a runtime socket, a *.sock, or a directory containing a runtime socket
	PASS  none (other host paths are KP-WL-026's)
*/

package workload

import (
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:       "KP-WL-025",
			Title:    "No container mounts the node's root filesystem or a container runtime socket",
			Layer:    checks.Workload,
			Severity: checks.Critical,
			Description: "A container that mounts the Docker, containerd or CRI-O socket can start a " +
				"privileged container on its node, and one that mounts the node's root filesystem " +
				"reads every credential on it (and, writable, replaces its binaries): either is the " +
				"node, and every pod on it. Mounting the socket read-only does not help.",
			Remediation: "Remove the hostPath volume. Tools that need the runtime (image builders, " +
				"log or security agents) have socket-free alternatives (rootless builders such as " +
				"BuildKit or kaniko, the CRI's own metrics, a node agent run outside the cluster's " +
				"workloads); where one is unavoidable, run it in a dedicated, locked-down namespace " +
				"and record the exception.",
		},
		Inputs:   inputs,
		Evaluate: hostPathRuntime,
	})
}

func hostPathRuntime(s *snapshot.Snapshot) []checks.Result {
	return evaluateGraded(s, func(_ *metav1.ObjectMeta, spec *corev1.PodSpec) (checks.Status, string) {
		var b strings.Builder
		for _, m := range hostMounts(spec) {
			if m.class == hpRuntime {
				m.describe(&b)
			}
		}
		if b.Len() == 0 {
			return checks.Pass, ""
		}
		return checks.Fail, b.String()
	}, "no mount of the node's root or of a runtime socket",
		"no hostPath volume of /, a container runtime socket, a *.sock, or a directory that contains one (/var, /run)")
}
