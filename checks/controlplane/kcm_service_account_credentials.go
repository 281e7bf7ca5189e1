/*
kube-controller-manager --use-service-account-credentials must be true.

Source: CIS Kubernetes Benchmark 1.3.3. Default false from k8s.io/cloud-provider options/kubecloudshared.go (UseServiceAccountCredentials: zero value false).

Reads: kube-controller-manager --use-service-account-credentials (last occurrence wins).

Allowed values: true, in any spelling strconv.ParseBool reads. Absent is the default (false). A value that is not a boolean FAILs.
*/

package controlplane

import (
	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	register("KP-CP-030", "1.3.3", "Controller manager runs each controller with its own credentials", checks.High,
		"Without it every controller acts with the controller manager's own, broad identity, so one compromised controller has them all.",
		fix("Set --use-service-account-credentials=true", manifestKCM),
		useServiceAccountCredentials)
}

func useServiceAccountCredentials(snap *snapshot.Snapshot) []checks.Result {
	return eachComponent(snap, controllerManager, func(c *snapshot.Component) checks.Result {
		return requireBool(c, "use-service-account-credentials", true)
	})
}
