package controlplane

import (
	"testing"

	"github.com/kubeposture/kubeposture/checks"
)

var _ = func() bool {
	componentControls["KP-CP-032"] = componentControl{component: controllerManager, cis: "1.3.5", eval: kcmRootCAFile}
	return true
}()

func TestKcmRootCAFile(t *testing.T) {
	runComponentCases(t, controllerManager, kcmRootCAFile, []cpCase{
		{name: "absent", args: nil, want: checks.Fail},
		{name: "set", args: []string{"--root-ca-file=/ca"}, want: checks.Pass},
	})
}
