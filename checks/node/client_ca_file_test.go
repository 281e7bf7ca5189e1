package node

import (
	"testing"

	"github.com/kubeposture/kubeposture/checks"
	kubeletv1beta1 "k8s.io/kubelet/config/v1beta1"
)

func TestClientCAFile(t *testing.T) {
	runConfigCases(t, clientCAFile, "authentication.x509.clientCAFile", []configCase{
		{name: "set", mutate: func(c *kubeletv1beta1.KubeletConfiguration) {
			c.Authentication.X509.ClientCAFile = "/etc/kubernetes/pki/ca.crt"
		},
			want: checks.Pass, observed: "/etc/kubernetes/pki/ca.crt"},
		{name: "unset (omitted from configz)", want: checks.Fail, observed: "not set"},
	})
}
