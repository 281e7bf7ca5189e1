/*
The RotateKubeletServerCertificate feature gate must not be turned off on the controller manager.

Source: CIS Kubernetes Benchmark 1.3.6. k8s.io/kubernetes pkg/features/kube_features.go (RotateKubeletServerCertificate: beta, default true since 1.12).

Reads: kube-controller-manager --feature-gates (a map flag: "k=v" pairs, comma separated; a later value of a key wins, within one occurrence and across repeats, since each occurrence merges into the map).

Allowed values: RotateKubeletServerCertificate absent (default true) or true (strconv.ParseBool). False FAILs; an unreadable value FAILs. The gate does nothing without the kubelet's serverTLSBootstrap, which the node checks judge.
*/

package controlplane

import (
	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	register("KP-CP-033", "1.3.6", "Controller manager leaves RotateKubeletServerCertificate on", checks.Low,
		"Kubelet serving certificates that are never rotated stay valid long after a node is compromised.",
		fix("Remove RotateKubeletServerCertificate=false from --feature-gates", manifestKCM),
		rotateKubeletServerCertificate)
}

func rotateKubeletServerCertificate(snap *snapshot.Snapshot) []checks.Result {
	return eachComponent(snap, controllerManager, func(c *snapshot.Component) checks.Result {
		return featureGate(c, "RotateKubeletServerCertificate", true)
	})
}
