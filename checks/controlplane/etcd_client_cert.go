/*
The API server must present a client certificate to etcd.

Source: CIS Kubernetes Benchmark 1.2.23. k8s.io/apiserver pkg/server/options/etcd.go (StorageConfig.Transport: unset by default).

Reads: kube-apiserver --etcd-certfile and --etcd-keyfile.

Allowed values: both set to a non-empty path.
*/

package controlplane

import (
	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	register("KP-CP-022", "1.2.23", "API server authenticates to etcd with a client certificate", checks.High,
		"Without client certificates etcd cannot tell the API server from any other client, and holds every secret of the cluster.",
		fix("Set --etcd-certfile and --etcd-keyfile", manifestAPIServer),
		etcdClientCert)
}

func etcdClientCert(snap *snapshot.Snapshot) []checks.Result {
	return eachComponent(snap, apiserver, func(c *snapshot.Component) checks.Result {
		return requirePresent(c, "etcd-certfile", "etcd-keyfile")
	})
}
