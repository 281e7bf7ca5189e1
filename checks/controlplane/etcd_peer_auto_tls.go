/*
etcd --peer-auto-tls must be false.

Source: CIS Kubernetes Benchmark 2.6. Default false from go.etcd.io/etcd/server/v3 embed/config.go (AddFlags: zero value false).

Reads: etcd --peer-auto-tls (last occurrence wins), or the ETCD_PEER_AUTO_TLS environment variable when the flag is absent (a non-empty variable and the flag together make etcd exit: FAIL); --config-file or ETCD_CONFIG_FILE replaces both (NOT_EVALUATED).

Allowed values: false, in any spelling strconv.ParseBool reads. Absent is the default (false). A value that is not a boolean FAILs.
*/

package controlplane

import (
	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	register("KP-CP-042", "2.6", "etcd members do not use self-signed peer certificates", checks.High,
		"With peer-auto-tls etcd members use self-signed certificates that do not authenticate each other.",
		fix("Remove --peer-auto-tls or set it to false", manifestEtcd),
		etcdPeerAutoTLS)
}

func etcdPeerAutoTLS(snap *snapshot.Snapshot) []checks.Result {
	return eachComponent(snap, etcd, func(c *snapshot.Component) checks.Result {
		return requireBool(c, "peer-auto-tls", false)
	})
}
