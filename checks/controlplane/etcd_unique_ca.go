/*
etcd must trust a CA of its own, not the cluster's CA.

Source: CIS Kubernetes Benchmark 2.7 (manual there). go.etcd.io/etcd/server/v3 embed/config.go (--trusted-ca-file defaults to "": no client CA).

Reads: etcd --trusted-ca-file (or ETCD_TRUSTED_CA_FILE); kube-apiserver --client-ca-file of every API server in the snapshot.

Allowed values: set, and not the same path as an API server's --client-ca-file (FAIL: any holder of a cluster client certificate could then talk to etcd). Different paths may still hold the same certificate, which the snapshot cannot show: MANUAL, naming both files to compare.
*/

package controlplane

import (
	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	register("KP-CP-043", "2.7", "etcd trusts its own certificate authority", checks.Medium,
		"If etcd trusts the cluster's CA, every client certificate the cluster issues (kubelets, users) is accepted by etcd.",
		fix("Create a CA for etcd only and set --trusted-ca-file to it", manifestEtcd),
		etcdUniqueCA)
}

func etcdUniqueCA(snap *snapshot.Snapshot) []checks.Result {
	return eachComponent(snap, etcd, func(c *snapshot.Component) checks.Result {
		return etcdCA(snap, c)
	})
}
