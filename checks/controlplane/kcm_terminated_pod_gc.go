/*
The controller manager's terminated-pod garbage collection threshold should suit the cluster.

Source: CIS Kubernetes Benchmark 1.12, 1.3.1 (manual: "set as appropriate"). Default 12500 from
k8s.io/kubernetes pkg/controller/podgc/config/v1alpha1/defaults.go, bound to
--terminated-pod-gc-threshold in cmd/kube-controller-manager/app/options/podgccontroller.go
(0 or less disables the collector).

Reads: kube-controller-manager --terminated-pod-gc-threshold (last occurrence wins).

Allowed values: none automatically: MANUAL, with the effective value and its origin.
*/

package controlplane

import (
	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	register("KP-CP-050", "1.3.1", "Terminated pods are garbage-collected at a threshold that suits the cluster", checks.Low,
		"Terminated pods kept without bound fill etcd and slow every list of pods; the default keeps 12,500.",
		fix("Set --terminated-pod-gc-threshold to a value that suits the cluster's churn", manifestKCM),
		terminatedPodGC)
}

func terminatedPodGC(snap *snapshot.Snapshot) []checks.Result {
	return eachComponent(snap, controllerManager, func(c *snapshot.Component) checks.Result {
		return manualValue(c, "terminated-pod-gc-threshold", "is this terminated-pod threshold appropriate")
	})
}
