package controlplane

import (
	"testing"

	"github.com/kubeposture/kubeposture/checks"
)

var _ = func() bool {
	componentControls["KP-CP-020"] = componentControl{component: apiserver, cis: "1.2.21", eval: serviceAccountLookup}
	return true
}()

func TestServiceAccountLookup(t *testing.T) {
	runComponentCases(t, apiserver, serviceAccountLookup, []cpCase{
		{name: "absent: default", args: nil, want: checks.Pass, observed: "default: true"},
		{name: "true", args: []string{"--service-account-lookup=true"}, want: checks.Pass},
		{name: "false", args: []string{"--service-account-lookup=false"}, want: checks.Fail},
		{name: "bare is true", args: []string{"--service-account-lookup"}, want: checks.Pass},
		{name: "last wins", args: []string{"--service-account-lookup=true", "--service-account-lookup=false"}, want: checks.Fail, observed: "last of 2"},
		{name: "not a boolean", args: []string{"--service-account-lookup=yes"}, want: checks.Fail, observed: "not a boolean"},
		{name: "0 and 1 are booleans", args: []string{"--service-account-lookup=1"}, want: checks.Pass},
	})
}
