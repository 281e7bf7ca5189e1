/*
The kubelet must authenticate clients by certificate: a client CA file must be set.

Source: CIS Kubernetes Benchmark 1.12, 4.2.3; NSA/CISA hardening guide, kubescape C-0070.
Default from k8s.io/kubernetes@v1.37.2: pkg/kubelet/apis/config/v1beta1/defaults.go sets no
clientCAFile, and cmd/kubelet/app/options/options.go (--client-ca-file) defaults to "".

Reads: authentication.x509.clientCAFile (configz, or the node agent's effective value).

Allowed values: any non-empty path. Empty fails: the field is a string with omitempty, so an
effective configuration that omits it has none.
*/

package node

import (
	"strconv"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
	kubeletv1beta1 "k8s.io/kubelet/config/v1beta1"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:       "KP-NODE-004",
			Title:    "Kubelet authenticates clients with a client CA",
			Layer:    checks.Node,
			Severity: checks.High,
			Description: "Without a client CA file the kubelet cannot verify client certificates, so the API " +
				"server's own connection to the kubelet (exec, logs, port-forward) is not authenticated by " +
				"certificate.",
			Remediation: "Set authentication.x509.clientCAFile to the cluster CA (/etc/kubernetes/pki/ca.crt on " +
				"kubeadm nodes) in the kubelet config file, or pass --client-ca-file; then restart the kubelet.",
			References: checks.References{CIS: []string{"4.2.3"}, NSA: []string{"C-0070"}},
		},
		Inputs:   inputs,
		Evaluate: clientCAFile,
	})
}

func clientCAFile(snap *snapshot.Snapshot) []checks.Result {
	return eachKubelet(snap, "authentication.x509.clientCAFile", func(cfg *kubeletv1beta1.KubeletConfiguration, ev checks.Evidence) checks.Result {
		ev.Expected = "a CA file path"
		ca := cfg.Authentication.X509.ClientCAFile
		if ca == "" {
			ev.Observed = "not set"
			return verdict(false, ev)
		}
		ev.Observed = strconv.Quote(ca)
		return verdict(true, ev)
	})
}
