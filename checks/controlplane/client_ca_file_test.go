package controlplane

import (
	"testing"

	"github.com/kubeposture/kubeposture/checks"
)

var _ = func() bool {
	componentControls["KP-CP-024"] = componentControl{component: apiserver, cis: "1.2.25", eval: clientCAFile}
	return true
}()

func TestClientCAFile(t *testing.T) {
	runComponentCases(t, apiserver, clientCAFile, []cpCase{
		{name: "absent", args: nil, want: checks.Fail},
		{name: "set", args: []string{"--client-ca-file=/ca"}, want: checks.Pass},
	})
}
