package node

import (
	"testing"

	"github.com/kubeposture/kubeposture/checks"
	kubeletv1beta1 "k8s.io/kubelet/config/v1beta1"
)

func TestTLSCipherSuites(t *testing.T) {
	s := func(v ...string) func(*kubeletv1beta1.KubeletConfiguration) {
		return func(c *kubeletv1beta1.KubeletConfiguration) { c.TLSCipherSuites = v }
	}
	runConfigCases(t, tlsCipherSuites, "tlsCipherSuites", []configCase{
		{name: "all strong", mutate: s(strongCiphers...), want: checks.Pass},
		{name: "one weak", mutate: s("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_128_CBC_SHA"), want: checks.Fail, observed: "not allowed: TLS_RSA_WITH_AES_128_CBC_SHA"},
		// A prefix of an allowed name is not the allowed name.
		{name: "near miss", mutate: s("TLS_ECDHE_RSA_WITH_AES_128_GCM"), want: checks.Fail},
		{name: "unset", want: checks.Warn, observed: "Go's default"},
	})
}
