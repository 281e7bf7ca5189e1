/*
The API server must serve with a certificate and key it is given.

Source: CIS Kubernetes Benchmark 1.2.24. k8s.io/apiserver pkg/server/options/serving.go (unset: a self-signed certificate is generated in --cert-dir).

Reads: kube-apiserver --tls-cert-file and --tls-private-key-file.

Allowed values: both set to a non-empty path.
*/

package controlplane

import (
	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	register("KP-CP-023", "1.2.24", "API server serves TLS with a configured certificate", checks.Medium,
		"A generated self-signed certificate cannot be verified by clients, which then learn to skip verification.",
		fix("Set --tls-cert-file and --tls-private-key-file", manifestAPIServer),
		tlsCertFile)
}

func tlsCertFile(snap *snapshot.Snapshot) []checks.Result {
	return eachComponent(snap, apiserver, func(c *snapshot.Component) checks.Result {
		return requirePresent(c, "tls-cert-file", "tls-private-key-file")
	})
}
