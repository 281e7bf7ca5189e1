package controlplane

import (
	"testing"

	"github.com/kubeposture/kubeposture/checks"
)

var _ = func() bool {
	componentControls["KP-CP-026"] = componentControl{component: apiserver, cis: "1.2.27", eval: encryptionProviderConfig}
	return true
}()

func TestEncryptionProviderConfig(t *testing.T) {
	runComponentCases(t, apiserver, encryptionProviderConfig, []cpCase{
		{name: "absent", args: nil, want: checks.Fail},
		{name: "set", args: []string{"--encryption-provider-config=/etc/k/enc.yaml"}, want: checks.Pass},
	})
}
