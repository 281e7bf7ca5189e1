/*
The API server must only offer the TLS 1.2 cipher suites CIS lists as strong.

Source: CIS Kubernetes Benchmark 1.2.29. k8s.io/apiserver pkg/server/options/serving.go (unset: Go crypto/tls defaults, which include the ECDHE AES-CBC-SHA suites, crypto/tls defaults.go).

Reads: kube-apiserver --tls-cipher-suites (a list; repeats accumulate).

Allowed values: every suite in strongCipherSuites, compared by exact name. Absent FAILs (the Go defaults include CBC suites outside the list). An empty list is the default too.
*/

package controlplane

import (
	"strings"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/internal/componentflags"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:          "KP-CP-027",
			Title:       "API server only offers strong TLS cipher suites",
			Layer:       checks.ControlPlane,
			Severity:    checks.Medium,
			Description: "Weak cipher suites (CBC with SHA-1, RSA key exchange, 3DES) let an attacker on the path break or downgrade the API server's TLS.",
			Remediation: fix("Set --tls-cipher-suites to the strong suites only, for example TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,", manifestAPIServer),
			References:  checks.References{CIS: []string{"1.2.29"}},
		},
		AnyInputs: sources,
		Evaluate:  tlsCipherSuites,
	})
}

func tlsCipherSuites(snap *snapshot.Snapshot) []checks.Result {
	return eachComponent(snap, apiserver, cipherSuites)
}

// strongCipherSuites are the TLS 1.2 suites CIS 1.12 (1.2.29) accepts; Go names them the same
// (crypto/tls cipher_suites.go).
var strongCipherSuites = map[string]bool{
	"TLS_AES_128_GCM_SHA256": true, "TLS_AES_256_GCM_SHA384": true, "TLS_CHACHA20_POLY1305_SHA256": true,
	"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256": true, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384": true,
	"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305": true, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256": true,
	"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256": true, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384": true,
	"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305": true, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256": true,
}

func cipherSuites(c *snapshot.Component) checks.Result {
	v := componentflags.Lookup(c, "tls-cipher-suites")
	ev := checks.Evidence{Where: where(c, "tls-cipher-suites"), Expected: "only strong suites (ECDHE with AES-GCM or ChaCha20-Poly1305)", Observed: v.Describe()}
	if v.Err != nil {
		return checks.Result{Status: checks.Fail, Evidence: ev}
	}
	if len(v.Items) == 0 {
		ev.Observed += " (Go crypto/tls defaults, which include TLS_ECDHE_*_WITH_AES_*_CBC_SHA)"
		return checks.Result{Status: checks.Fail, Evidence: ev}
	}
	var weak []string
	for _, s := range v.Items {
		if !strongCipherSuites[s] {
			weak = append(weak, s)
		}
	}
	if len(weak) > 0 {
		ev.Observed += "; not strong: " + strings.Join(weak, ",")
	}
	return verdict(len(weak) == 0, ev)
}
