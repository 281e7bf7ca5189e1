/*
The kubelet must only offer strong TLS cipher suites.

Source: CIS Kubernetes Benchmark 1.12, 4.2.12 (manual), whose allow-list this is. Default
from k8s.io/kubernetes@v1.37.2 cmd/kubelet/app/options/options.go (--tls-cipher-suites):
empty, meaning Go crypto/tls's default suites, which the benchmark does not accept as shown.

Reads: tlsCipherSuites (configz, or the node agent's effective value).

Allowed values: a non-empty list, every element in the allow-list (names compared exactly).
Any other suite fails; an empty list warns (Go's defaults: strong today, but not pinned).
*/

package node

import (
	"slices"
	"strings"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
	kubeletv1beta1 "k8s.io/kubelet/config/v1beta1"
)

// strongCiphers is CIS 1.12 4.2.12's list.
var strongCiphers = []string{
	"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
	"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
	"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
}

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:       "KP-NODE-012",
			Title:    "Kubelet uses strong TLS cipher suites only",
			Layer:    checks.Node,
			Severity: checks.Medium,
			Description: "Weak cipher suites (CBC mode, RSA key exchange, 3DES) expose the kubelet's TLS " +
				"connections to known attacks.",
			Remediation: "Set tlsCipherSuites in the kubelet config file (or --tls-cipher-suites) to suites of " +
				"this list only: " + strings.Join(strongCiphers, ",") + "; then restart the kubelet.",
			References: checks.References{CIS: []string{"4.2.12"}},
		},
		Inputs:    inputs,
		AnyInputs: sources,
		Evaluate:  tlsCipherSuites,
	})
}

func tlsCipherSuites(snap *snapshot.Snapshot) []checks.Result {
	return eachKubelet(snap, "tlsCipherSuites", func(cfg *kubeletv1beta1.KubeletConfiguration, ev checks.Evidence) checks.Result {
		ev.Expected = "only " + strings.Join(strongCiphers, ",")
		if len(cfg.TLSCipherSuites) == 0 {
			ev.Observed = "not set (Go's default suites)"
			return checks.Result{Status: checks.Warn, Evidence: ev}
		}
		var weak []string
		for _, c := range cfg.TLSCipherSuites {
			if !slices.Contains(strongCiphers, c) {
				weak = append(weak, c)
			}
		}
		ev.Observed = strings.Join(cfg.TLSCipherSuites, ",")
		if len(weak) > 0 {
			ev.Observed += " (not allowed: " + strings.Join(weak, ",") + ")"
		}
		return verdict(len(weak) == 0, ev)
	})
}
