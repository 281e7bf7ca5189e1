/*
The API server must be given the public key(s) that verify service-account tokens.

Source: CIS Kubernetes Benchmark 1.2.22. k8s.io/kubernetes pkg/kubeapiserver/options/authentication.go (unset: the --tls-private-key-file is used, so token signing and serving share a key).

Reads: kube-apiserver --service-account-key-file (repeatable).

Allowed values: set to a non-empty path.
*/

package controlplane

import (
	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	register("KP-CP-021", "1.2.22", "API server verifies service-account tokens with a dedicated key", checks.Medium,
		"Without a dedicated key, service-account tokens are verified with the serving key, and rotating one rotates the other.",
		fix("Set --service-account-key-file to the public key that matches the controller manager's --service-account-private-key-file", manifestAPIServer),
		serviceAccountKeyFile)
}

func serviceAccountKeyFile(snap *snapshot.Snapshot) []checks.Result {
	return eachComponent(snap, apiserver, func(c *snapshot.Component) checks.Result {
		return requirePresent(c, "service-account-key-file")
	})
}
