/*
kube-controller-manager --profiling must be false.

Source: CIS Kubernetes Benchmark 1.3.2. Default true from k8s.io/component-base config/v1alpha1/defaults.go (RecommendedDebuggingConfiguration: EnableProfiling true).

Reads: kube-controller-manager --profiling (last occurrence wins).

Allowed values: false, in any spelling strconv.ParseBool reads. Absent is the default (true). A value that is not a boolean FAILs.
*/

package controlplane

import (
	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	register("KP-CP-029", "1.3.2", "Controller manager profiling is disabled", checks.Medium,
		"Profiling serves /debug/pprof on the controller manager, which reveals program internals.",
		fix("Set --profiling=false", manifestKCM),
		kcmProfiling)
}

func kcmProfiling(snap *snapshot.Snapshot) []checks.Result {
	return eachComponent(snap, controllerManager, func(c *snapshot.Component) checks.Result {
		return requireBool(c, "profiling", false)
	})
}
