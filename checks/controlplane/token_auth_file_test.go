package controlplane

import (
	"testing"

	"github.com/kubeposture/kubeposture/checks"
)

var _ = func() bool {
	componentControls["KP-CP-006"] = componentControl{component: apiserver, cis: "1.2.2", eval: tokenAuthFile}
	return true
}()

func TestTokenAuthFile(t *testing.T) {
	runComponentCases(t, apiserver, tokenAuthFile, []cpCase{
		{name: "absent", args: nil, want: checks.Pass, observed: "absent"},
		{name: "set", args: []string{"--token-auth-file=/etc/k/tokens.csv"}, want: checks.Fail, observed: "tokens.csv"},
		{name: "empty value", args: []string{"--token-auth-file="}, want: checks.Pass},
		{name: "similar name is another flag", args: []string{"--token-auth-file-x=/a"}, want: checks.Pass},
	})
}
