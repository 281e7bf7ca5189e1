/*
kube-scheduler --profiling must be false.

Source: CIS Kubernetes Benchmark 1.4.1. Default true from k8s.io/kubernetes cmd/kube-scheduler/app/options/deprecated.go (--profiling defaults to true).

Reads: kube-scheduler --profiling (last occurrence wins).

Allowed values: false, in any spelling strconv.ParseBool reads. Absent is the default (true). A value that is not a boolean FAILs. With --config the flag is ignored (deprecated.go: "ignored if a config file is specified") and the KubeSchedulerConfiguration file decides: NOT_EVALUATED.
*/

package controlplane

import (
	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	register("KP-CP-035", "1.4.1", "Scheduler profiling is disabled", checks.Medium,
		"Profiling serves /debug/pprof on the scheduler, which reveals program internals.",
		fix("Set --profiling=false (or enableProfiling: false in the --config file)", manifestScheduler),
		schedulerProfiling)
}

func schedulerProfiling(snap *snapshot.Snapshot) []checks.Result {
	return eachComponent(snap, scheduler, func(c *snapshot.Component) checks.Result {
		return requireBool(c, "profiling", false)
	})
}
