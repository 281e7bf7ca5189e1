package controlplane

import (
	"testing"

	"github.com/kubeposture/kubeposture/checks"
)

var _ = func() bool {
	componentControls["KP-CP-028"] = componentControl{component: apiserver, cis: "1.2.30", eval: serviceAccountExtendTokenExpiration}
	return true
}()

func TestServiceAccountExtendTokenExpiration(t *testing.T) {
	runComponentCases(t, apiserver, serviceAccountExtendTokenExpiration, []cpCase{
		{name: "absent: default", args: nil, want: checks.Fail, observed: "default: true"},
		{name: "false", args: []string{"--service-account-extend-token-expiration=false"}, want: checks.Pass},
		{name: "true", args: []string{"--service-account-extend-token-expiration=true"}, want: checks.Fail},
		{name: "bare is true", args: []string{"--service-account-extend-token-expiration"}, want: checks.Fail},
		{name: "last wins", args: []string{"--service-account-extend-token-expiration=false", "--service-account-extend-token-expiration=true"}, want: checks.Fail, observed: "last of 2"},
		{name: "not a boolean", args: []string{"--service-account-extend-token-expiration=yes"}, want: checks.Fail, observed: "not a boolean"},
		{name: "0 and 1 are booleans", args: []string{"--service-account-extend-token-expiration=0"}, want: checks.Pass},
	})
}
