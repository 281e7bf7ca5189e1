/*
kube-controller-manager must listen on the loopback address only.

Source: CIS Kubernetes Benchmark 1.3.7. Default 0.0.0.0 from k8s.io/apiserver pkg/server/options/serving.go (NewSecureServingOptions), which kube-controller-manager uses for its secure port; kubeadm sets 127.0.0.1 explicitly, so absent is every interface, not loopback.

Reads: kube-controller-manager --bind-address (last occurrence wins).

Allowed values: 127.0.0.1 or ::1, parsed as an IP and compared exactly (127.0.0.10 FAILs). Absent (0.0.0.0) FAILs.
*/

package controlplane

import (
	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	register("KP-CP-034", "1.3.7", "Controller manager listens on loopback only", checks.Medium,
		"Listening on every interface exposes the kube-controller-manager health, metrics and (with profiling) debug endpoints to the network.",
		fix("Set --bind-address=127.0.0.1", manifestKCM),
		kcmBindAddress)
}

func kcmBindAddress(snap *snapshot.Snapshot) []checks.Result {
	return eachComponent(snap, controllerManager, func(c *snapshot.Component) checks.Result {
		return requireLoopback(c, "bind-address")
	})
}
