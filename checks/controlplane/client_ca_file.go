/*
The API server must be given a client CA.

Source: CIS Kubernetes Benchmark 1.2.25. k8s.io/apiserver pkg/server/options/authentication.go (ClientCert.ClientCA unset: no x509 client authentication).

Reads: kube-apiserver --client-ca-file.

Allowed values: set to a non-empty path.
*/

package controlplane

import (
	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	register("KP-CP-024", "1.2.25", "API server authenticates client certificates", checks.Medium,
		"Without a client CA the API server cannot authenticate kubelets and components by certificate.",
		fix("Set --client-ca-file", manifestAPIServer),
		clientCAFile)
}

func clientCAFile(snap *snapshot.Snapshot) []checks.Result {
	return eachComponent(snap, apiserver, func(c *snapshot.Component) checks.Result {
		return requirePresent(c, "client-ca-file")
	})
}
