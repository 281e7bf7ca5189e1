package controlplane

import (
	"testing"

	"github.com/kubeposture/kubeposture/checks"
)

func TestTlsCipherSuites(t *testing.T) {
	runComponentCases(t, apiserver, tlsCipherSuites, []cpCase{
		{name: "absent", args: nil, want: checks.Fail, observed: "Go crypto/tls defaults"},
		{name: "strong", args: []string{"--tls-cipher-suites=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"}, want: checks.Pass},
		{name: "one weak", args: []string{"--tls-cipher-suites=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_RSA_WITH_AES_128_CBC_SHA"}, want: checks.Fail, observed: "TLS_RSA_WITH_AES_128_CBC_SHA"},
		{name: "weak in a repeat", args: []string{"--tls-cipher-suites=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "--tls-cipher-suites=TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA"}, want: checks.Fail, observed: "3DES"},
		{name: "empty", args: []string{"--tls-cipher-suites="}, want: checks.Fail},
	})
}
