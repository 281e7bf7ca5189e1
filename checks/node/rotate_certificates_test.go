package node

import (
	"testing"

	"github.com/kubeposture/kubeposture/checks"
	kubeletv1beta1 "k8s.io/kubelet/config/v1beta1"
)

func TestRotateCertificates(t *testing.T) {
	runConfigCases(t, rotateCertificates, "rotateCertificates", []configCase{
		{name: "true", mutate: func(c *kubeletv1beta1.KubeletConfiguration) { c.RotateCertificates = true }, want: checks.Pass, observed: "true"},
		// Absent from configz is false (bool, omitempty), the upstream default: not a pass.
		{name: "absent is false", want: checks.Fail, observed: "false is the default"},
	})
}
