/*
The controller manager must be given the root CA put into service-account token secrets.

Source: CIS Kubernetes Benchmark 1.3.5. k8s.io/kubernetes cmd/kube-controller-manager/app/options (SAController.RootCAFile unset).

Reads: kube-controller-manager --root-ca-file.

Allowed values: set to a non-empty path.
*/

package controlplane

import (
	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	register("KP-CP-032", "1.3.5", "Controller manager gives pods the cluster's root CA", checks.Medium,
		"Without the root CA, pods cannot verify the API server's certificate and may skip verification.",
		fix("Set --root-ca-file", manifestKCM),
		kcmRootCAFile)
}

func kcmRootCAFile(snap *snapshot.Snapshot) []checks.Result {
	return eachComponent(snap, controllerManager, func(c *snapshot.Component) checks.Result {
		return requirePresent(c, "root-ca-file")
	})
}
