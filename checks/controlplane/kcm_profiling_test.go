package controlplane

import (
	"testing"

	"github.com/kubeposture/kubeposture/checks"
)

var _ = func() bool {
	componentControls["KP-CP-029"] = componentControl{component: controllerManager, cis: "1.3.2", eval: kcmProfiling}
	return true
}()

func TestKcmProfiling(t *testing.T) {
	runComponentCases(t, controllerManager, kcmProfiling, []cpCase{
		{name: "absent: default", args: nil, want: checks.Fail, observed: "default: true"},
		{name: "false", args: []string{"--profiling=false"}, want: checks.Pass},
		{name: "true", args: []string{"--profiling=true"}, want: checks.Fail},
		{name: "bare is true", args: []string{"--profiling"}, want: checks.Fail},
		{name: "last wins", args: []string{"--profiling=false", "--profiling=true"}, want: checks.Fail, observed: "last of 2"},
		{name: "not a boolean", args: []string{"--profiling=yes"}, want: checks.Fail, observed: "not a boolean"},
		{name: "0 and 1 are booleans", args: []string{"--profiling=0"}, want: checks.Pass},
	})
}
