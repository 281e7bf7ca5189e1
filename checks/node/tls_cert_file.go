/*
The kubelet must serve its API with a certificate the API server can verify.

Source: CIS Kubernetes Benchmark 1.12, 4.2.9 (manual). Defaults from k8s.io/kubernetes@v1.37.2:
tlsCertFile and tlsPrivateKeyFile are unset (pkg/kubelet/apis/config/v1beta1/defaults.go sets
neither), and then the kubelet generates a self-signed certificate in --cert-dir
(cmd/kubelet/app/server.go), unless serverTLSBootstrap is true, in which case it requests a
serving certificate from the API server (CSR API).

Reads: tlsCertFile, tlsPrivateKeyFile, serverTLSBootstrap (configz, or the node agent's
effective values).

Allowed values: both files set, or serverTLSBootstrap true. Only one of the two files set fails
(the kubelet would refuse to start); neither, without serverTLSBootstrap, fails: the
certificate is self-signed.
*/

package node

import (
	"fmt"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
	kubeletv1beta1 "k8s.io/kubelet/config/v1beta1"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:       "KP-NODE-009",
			Title:    "Kubelet serves with a verifiable TLS certificate",
			Layer:    checks.Node,
			Severity: checks.Medium,
			Description: "Without tlsCertFile and tlsPrivateKeyFile, and without serverTLSBootstrap, the kubelet " +
				"serves with a self-signed certificate, which the API server cannot verify: its connections to " +
				"the kubelet can be intercepted.",
			Remediation: "Set serverTLSBootstrap: true in the kubelet config file (and approve the kubelet-serving " +
				"CSRs), or set tlsCertFile and tlsPrivateKeyFile to a certificate signed by a CA the API server " +
				"trusts; then restart the kubelet.",
			References: checks.References{CIS: []string{"4.2.9"}},
		},
		Inputs:    inputs,
		AnyInputs: sources,
		Evaluate:  tlsCertFile,
	})
}

func tlsCertFile(snap *snapshot.Snapshot) []checks.Result {
	return eachKubelet(snap, "tlsCertFile,tlsPrivateKeyFile,serverTLSBootstrap", func(cfg *kubeletv1beta1.KubeletConfiguration, ev checks.Evidence) checks.Result {
		ev.Expected = "tlsCertFile and tlsPrivateKeyFile set, or serverTLSBootstrap true"
		cert, key := cfg.TLSCertFile, cfg.TLSPrivateKeyFile
		ev.Observed = fmt.Sprintf("tlsCertFile=%q tlsPrivateKeyFile=%q serverTLSBootstrap=%t", cert, key, cfg.ServerTLSBootstrap)
		return verdict((cert != "" && key != "") || (cert == "" && key == "" && cfg.ServerTLSBootstrap), ev)
	})
}
