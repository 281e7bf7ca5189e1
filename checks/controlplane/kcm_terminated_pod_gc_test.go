package controlplane

import (
	"testing"

	"github.com/kubeposture/kubeposture/checks"
)

var _ = func() bool {
	componentControls["KP-CP-050"] = componentControl{component: controllerManager, cis: "1.3.1", eval: terminatedPodGC}
	return true
}()

func TestTerminatedPodGC(t *testing.T) {
	runComponentCases(t, controllerManager, terminatedPodGC, []cpCase{
		{name: "absent: default", want: checks.Manual, observed: "default: 12500"},
		{name: "set, last wins", args: []string{"--terminated-pod-gc-threshold=10", "--terminated-pod-gc-threshold=500"}, want: checks.Manual, observed: "last of 2"},
	})
}
