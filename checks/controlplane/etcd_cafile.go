/*
The API server must verify etcd's serving certificate.

Source: CIS Kubernetes Benchmark 1.2.26. k8s.io/apiserver pkg/server/options/etcd.go (StorageConfig.Transport.TrustedCAFile unset).

Reads: kube-apiserver --etcd-cafile.

Allowed values: set to a non-empty path.
*/

package controlplane

import (
	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	register("KP-CP-025", "1.2.26", "API server verifies etcd's certificate", checks.High,
		"Without a CA the API server cannot tell the real etcd from an impostor.",
		fix("Set --etcd-cafile", manifestAPIServer),
		etcdCAFile)
}

func etcdCAFile(snap *snapshot.Snapshot) []checks.Result {
	return eachComponent(snap, apiserver, func(c *snapshot.Component) checks.Result {
		return requirePresent(c, "etcd-cafile")
	})
}
