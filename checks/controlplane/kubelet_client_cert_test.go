package controlplane

import (
	"testing"

	"github.com/kubeposture/kubeposture/checks"
)

var _ = func() bool {
	componentControls["KP-CP-008"] = componentControl{component: apiserver, cis: "1.2.4", eval: kubeletClientCert}
	return true
}()

func TestKubeletClientCert(t *testing.T) {
	runComponentCases(t, apiserver, kubeletClientCert, []cpCase{
		{name: "absent", args: nil, want: checks.Fail, observed: "absent"},
		{name: "both", args: []string{"--kubelet-client-certificate=/a.crt", "--kubelet-client-key=/a.key"}, want: checks.Pass},
		{name: "certificate only", args: []string{"--kubelet-client-certificate=/a.crt"}, want: checks.Fail},
		{name: "empty key", args: []string{"--kubelet-client-certificate=/a.crt", "--kubelet-client-key="}, want: checks.Fail, observed: "empty value"},
	})
}
