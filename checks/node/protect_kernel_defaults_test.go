package node

import (
	"testing"

	"github.com/kubeposture/kubeposture/checks"
	kubeletv1beta1 "k8s.io/kubelet/config/v1beta1"
)

func TestProtectKernelDefaults(t *testing.T) {
	runConfigCases(t, protectKernelDefaults, "protectKernelDefaults", []configCase{
		{name: "true", mutate: func(c *kubeletv1beta1.KubeletConfiguration) { c.ProtectKernelDefaults = true }, want: checks.Pass, observed: "true"},
		{name: "absent is false", want: checks.Fail, observed: "false"},
	})
}
