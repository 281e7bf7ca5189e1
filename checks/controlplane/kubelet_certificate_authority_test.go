package controlplane

import (
	"testing"

	"github.com/kubeposture/kubeposture/checks"
)

var _ = func() bool {
	componentControls["KP-CP-009"] = componentControl{component: apiserver, cis: "1.2.5", eval: kubeletCertificateAuthority}
	return true
}()

func TestKubeletCertificateAuthority(t *testing.T) {
	runComponentCases(t, apiserver, kubeletCertificateAuthority, []cpCase{
		{name: "absent", args: nil, want: checks.Fail, observed: "absent"},
		{name: "set", args: []string{"--kubelet-certificate-authority=/ca.crt"}, want: checks.Pass},
		{name: "empty", args: []string{"--kubelet-certificate-authority="}, want: checks.Fail},
	})
}
