package controlplane

import (
	"testing"

	"github.com/kubeposture/kubeposture/checks"
)

var _ = func() bool {
	componentControls["KP-CP-021"] = componentControl{component: apiserver, cis: "1.2.22", eval: serviceAccountKeyFile}
	return true
}()

func TestServiceAccountKeyFile(t *testing.T) {
	runComponentCases(t, apiserver, serviceAccountKeyFile, []cpCase{
		{name: "absent", args: nil, want: checks.Fail},
		{name: "set", args: []string{"--service-account-key-file=/sa.pub"}, want: checks.Pass},
	})
}
