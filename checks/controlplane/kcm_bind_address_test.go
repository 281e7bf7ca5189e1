package controlplane

import (
	"testing"

	"github.com/kubeposture/kubeposture/checks"
)

var _ = func() bool {
	componentControls["KP-CP-034"] = componentControl{component: controllerManager, cis: "1.3.7", eval: kcmBindAddress}
	return true
}()

func TestKcmBindAddress(t *testing.T) {
	runComponentCases(t, controllerManager, kcmBindAddress, []cpCase{
		{name: "absent: default 0.0.0.0", args: nil, want: checks.Fail, observed: "default: 0.0.0.0"},
		{name: "loopback", args: []string{"--bind-address=127.0.0.1"}, want: checks.Pass},
		{name: "127.0.0.10 is not 127.0.0.1", args: []string{"--bind-address=127.0.0.10"}, want: checks.Fail},
		{name: "::1", args: []string{"--bind-address=::1"}, want: checks.Pass},
		{name: "all interfaces", args: []string{"--bind-address=0.0.0.0"}, want: checks.Fail},
		{name: "last wins", args: []string{"--bind-address=127.0.0.1", "--bind-address=10.0.0.1"}, want: checks.Fail, observed: "last of 2"},
		{name: "not an IP", args: []string{"--bind-address=localhost"}, want: checks.Fail, observed: "not an IP"},
	})
}
