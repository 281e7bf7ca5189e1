/*
etcd must be given --peer-cert-file and --peer-key-file.

Source: CIS Kubernetes Benchmark 2.4. go.etcd.io/etcd/server/v3 embed/config.go (AddFlags: both default to "", plain HTTP).

Reads: etcd --peer-cert-file, --peer-key-file, or their ETCD_* variables when a flag is absent (pkg/flags SetFlagsFromEnv); --config-file / ETCD_CONFIG_FILE replaces both (NOT_EVALUATED).

Allowed values: both set to a non-empty path.
*/

package controlplane

import (
	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	register("KP-CP-040", "2.4", "etcd members talk to each other over TLS", checks.High,
		"Without peer certificates etcd replicates the cluster's data between members in plain text.",
		fix("Set --peer-cert-file and --peer-key-file", manifestEtcd),
		etcdPeerCertFile)
}

func etcdPeerCertFile(snap *snapshot.Snapshot) []checks.Result {
	return eachComponent(snap, etcd, func(c *snapshot.Component) checks.Result {
		return requirePresent(c, "peer-cert-file", "peer-key-file")
	})
}
