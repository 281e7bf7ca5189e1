package node

import (
	"testing"

	"github.com/kubeposture/kubeposture/checks"
	kubeletv1beta1 "k8s.io/kubelet/config/v1beta1"
)

func TestServerCertRotation(t *testing.T) {
	cfg := func(boot bool, gates map[string]bool, cert string) func(*kubeletv1beta1.KubeletConfiguration) {
		return func(c *kubeletv1beta1.KubeletConfiguration) {
			c.ServerTLSBootstrap, c.FeatureGates, c.TLSCertFile = boot, gates, cert
		}
	}
	runConfigCases(t, serverCertRotation, "serverTLSBootstrap,featureGates.RotateKubeletServerCertificate", []configCase{
		{name: "bootstrap, gate default", mutate: cfg(true, nil, ""), want: checks.Pass, observed: "absent (default true)"},
		{name: "bootstrap, gate true", mutate: cfg(true, map[string]bool{"RotateKubeletServerCertificate": true}, ""), want: checks.Pass},
		{name: "gate false", mutate: cfg(true, map[string]bool{"RotateKubeletServerCertificate": false}, ""), want: checks.Fail, observed: "=false"},
		// The kube-bench pitfall: the gate alone does nothing.
		{name: "gate true, no bootstrap", mutate: cfg(false, map[string]bool{"RotateKubeletServerCertificate": true}, ""), want: checks.Fail, observed: "does nothing"},
		{name: "provisioned certificate", mutate: cfg(false, nil, "/k.crt"), want: checks.Warn, observed: "outside the kubelet"},
		// The pair InitializeTLS fills in when the kubelet set neither file: self-signed,
		// and nothing rotates it.
		{name: "the kubelet's own pair", mutate: func(c *kubeletv1beta1.KubeletConfiguration) {
			cfg(false, nil, ownCert)(c)
			c.TLSPrivateKeyFile = ownKey
		}, want: checks.Fail, observed: "nothing rotates"},
	})
}
