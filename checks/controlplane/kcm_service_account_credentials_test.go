package controlplane

import (
	"testing"

	"github.com/kubeposture/kubeposture/checks"
)

var _ = func() bool {
	componentControls["KP-CP-030"] = componentControl{component: controllerManager, cis: "1.3.3", eval: useServiceAccountCredentials}
	return true
}()

func TestUseServiceAccountCredentials(t *testing.T) {
	runComponentCases(t, controllerManager, useServiceAccountCredentials, []cpCase{
		{name: "absent: default", args: nil, want: checks.Fail, observed: "default: false"},
		{name: "true", args: []string{"--use-service-account-credentials=true"}, want: checks.Pass},
		{name: "false", args: []string{"--use-service-account-credentials=false"}, want: checks.Fail},
		{name: "bare is true", args: []string{"--use-service-account-credentials"}, want: checks.Pass},
		{name: "last wins", args: []string{"--use-service-account-credentials=true", "--use-service-account-credentials=false"}, want: checks.Fail, observed: "last of 2"},
		{name: "not a boolean", args: []string{"--use-service-account-credentials=yes"}, want: checks.Fail, observed: "not a boolean"},
		{name: "0 and 1 are booleans", args: []string{"--use-service-account-credentials=1"}, want: checks.Pass},
	})
}
