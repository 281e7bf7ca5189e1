/*
The API server must only offer the TLS 1.2 cipher suites CIS lists as strong.

Source: CIS Kubernetes Benchmark 1.2.29. k8s.io/apiserver pkg/server/options/serving.go (unset: Go crypto/tls defaults, which include the ECDHE AES-CBC-SHA suites, crypto/tls defaults.go).

Reads: kube-apiserver --tls-cipher-suites (a list; repeats accumulate).

Allowed values: every suite in strongCipherSuites, compared by exact name. Absent FAILs (the Go defaults include CBC suites outside the list). An empty list is the default too.
*/

package controlplane

import (
	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	register("KP-CP-027", "1.2.29", "API server only offers strong TLS cipher suites", checks.Medium,
		"Weak cipher suites (CBC with SHA-1, RSA key exchange, 3DES) let an attacker on the path break or downgrade the API server's TLS.",
		fix("Set --tls-cipher-suites to the strong suites only, for example TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,", manifestAPIServer),
		tlsCipherSuites)
}

func tlsCipherSuites(snap *snapshot.Snapshot) []checks.Result {
	return eachComponent(snap, apiserver, func(c *snapshot.Component) checks.Result {
		return cipherSuites(c)
	})
}
