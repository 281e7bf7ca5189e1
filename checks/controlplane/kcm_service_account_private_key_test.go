package controlplane

import (
	"testing"

	"github.com/kubeposture/kubeposture/checks"
)

var _ = func() bool {
	componentControls["KP-CP-031"] = componentControl{component: controllerManager, cis: "1.3.4", eval: kcmServiceAccountPrivateKey}
	return true
}()

func TestKcmServiceAccountPrivateKey(t *testing.T) {
	runComponentCases(t, controllerManager, kcmServiceAccountPrivateKey, []cpCase{
		{name: "absent", args: nil, want: checks.Fail},
		{name: "set", args: []string{"--service-account-private-key-file=/sa.key"}, want: checks.Pass},
	})
}
