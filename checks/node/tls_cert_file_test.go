package node

import (
	"testing"

	"github.com/kubeposture/kubeposture/checks"
	kubeletv1beta1 "k8s.io/kubelet/config/v1beta1"
)

func TestTLSCertFile(t *testing.T) {
	set := func(cert, key string, boot bool) func(*kubeletv1beta1.KubeletConfiguration) {
		return func(c *kubeletv1beta1.KubeletConfiguration) {
			c.TLSCertFile, c.TLSPrivateKeyFile, c.ServerTLSBootstrap = cert, key, boot
		}
	}
	runConfigCases(t, tlsCertFile, "tlsCertFile,tlsPrivateKeyFile,serverTLSBootstrap", []configCase{
		{name: "both files", mutate: set("/k.crt", "/k.key", false), want: checks.Pass, observed: `tlsCertFile="/k.crt"`},
		{name: "bootstrap", mutate: set("", "", true), want: checks.Pass, observed: "serverTLSBootstrap=true"},
		{name: "self-signed", mutate: set("", "", false), want: checks.Fail, observed: "serverTLSBootstrap=false"},
		{name: "cert without key", mutate: set("/k.crt", "", true), want: checks.Fail, observed: `tlsPrivateKeyFile=""`},
	})
}
