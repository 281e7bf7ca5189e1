/*
KP-WL-026: host path mounts expose no credentials or system directories of the node.

Source: NSA/CISA Kubernetes Hardening Guide v1.2, "Kubernetes Pod security" (hostPath
volumes: only the paths needed, read-only). CIS 5.2.11 fails any hostPath volume (KP-WL-017);
this control grades them by path, since /etc/kubernetes read-only is a cluster credential leak
and /etc/localtime read-only is nothing, and so claims no framework item. The node's root and runtime sockets are KP-WL-025's and are not
repeated here.

Unit: each top-level workload (see workloads.go), template and pods.

Fields read: spec.volumes[].hostPath.path, and the volumeMounts (name, subPath, readOnly) of
containers, initContainers and ephemeralContainers, each mount judged at the node path it
exposes (hostPath.path joined with subPath; with subPathExpr, the volume's path). Paths and
grades (host_paths.go):

	FAIL  credential or data stores, read-only or not, and any directory containing one:
	      /etc/kubernetes, /var/lib/kubelet, /var/lib/etcd, runtime state (/var/lib/docker,
	      /var/lib/containerd, /var/lib/containers), /root, /home, /etc/shadow, /etc/ssh,
	      /proc, /dev (so /etc and /var/lib too)
	FAIL  system directories mounted writable: /etc, /sys, /boot, /usr, /bin, /sbin, /lib,
	      /lib64, /opt/cni/bin, /var/log, and paths below them
	WARN  the same system directories read-only (configuration disclosed, nothing changed),
	      and any other host path mounted writable (files planted on the node)
	PASS  no host path, other host paths read-only, and read-only public data (/etc/localtime,
	      /etc/ssl/certs, /lib/modules and the like), which the evidence lists
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
			ID:       "KP-WL-026",
			Title:    "Host path mounts expose no credentials or system directories of the node",
			Layer:    checks.Workload,
			Severity: checks.High,
			Description: "A hostPath volume gives a container the node's files. Under /etc/kubernetes, " +
				"/var/lib/kubelet, /root or /proc it reads credentials that reach the whole cluster, " +
				"read-only or not; writable, /etc, /usr or /var/log let it change the node itself. " +
				"Other writable host paths let it plant files on the node. Read-only mounts of " +
				"public data (time zone, CA certificates) are fine.",
			Remediation: "Remove the hostPath volume, or narrow it to the one file or directory " +
				"needed, mounted readOnly: true (a configMap, a projected volume or the downward API " +
				"usually replace it). Node agents that need these paths belong in a dedicated " +
				"namespace whose exception is recorded.",
		},
		Inputs:   inputs,
		Evaluate: hostPathSensitive,
	})
}

func hostPathSensitive(s *snapshot.Snapshot) []checks.Result {
	return evaluateGraded(s, func(_ *metav1.ObjectMeta, spec *corev1.PodSpec) (checks.Status, string) {
		mounts := hostMounts(spec)
		if mounts == nil {
			return checks.Pass, ""
		}
		var bad, fine strings.Builder
		status := checks.Pass
		for i := range mounts {
			m := &mounts[i]
			st := checks.Pass
			switch {
			case m.class == hpRuntime: // KP-WL-025's
				continue
			case m.class == hpSecret, m.class == hpSystem && !m.readOnly:
				st = checks.Fail
			case m.class == hpSystem, m.class == hpOther && !m.readOnly:
				st = checks.Warn
			}
			if m.class == hpOther && m.why == "" {
				if m.readOnly {
					m.why = "not a sensitive path"
				} else {
					m.why = "writable: files planted on the node"
				}
			}
			if st == checks.Pass {
				m.describe(&fine)
				continue
			}
			m.describe(&bad)
			status = worse(status, st)
		}
		if bad.Len() == 0 {
			return checks.Pass, fine.String()
		}
		return status, bad.String()
	}, "no host path of credentials or system directories",
		"no hostPath volume under /etc/kubernetes, /var/lib/kubelet, /var/lib/etcd, runtime state, /root, /home, /proc, /dev; "+
			"system directories (/etc, /sys, /usr, /var/log...) only read-only; other host paths read-only")
}
