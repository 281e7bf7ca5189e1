package controlplane

import (
	"testing"

	"github.com/kubeposture/kubeposture/checks"
)

var _ = func() bool {
	componentControls["KP-CP-025"] = componentControl{component: apiserver, cis: "1.2.26", eval: etcdCAFile}
	return true
}()

func TestEtcdCAFile(t *testing.T) {
	runComponentCases(t, apiserver, etcdCAFile, []cpCase{
		{name: "absent", args: nil, want: checks.Fail},
		{name: "set", args: []string{"--etcd-cafile=/ca"}, want: checks.Pass},
	})
}
