/*
etcd --client-cert-auth must be true.

Source: CIS Kubernetes Benchmark 2.2. Default false from go.etcd.io/etcd/server/v3 embed/config.go (AddFlags: zero value false).

Reads: etcd --client-cert-auth (last occurrence wins), or the ETCD_CLIENT_CERT_AUTH environment variable when the flag is absent (a non-empty variable and the flag together make etcd exit: FAIL); --config-file or ETCD_CONFIG_FILE replaces both (NOT_EVALUATED).

Allowed values: true, in any spelling strconv.ParseBool reads. Absent is the default (false). A value that is not a boolean FAILs.
*/

package controlplane

import (
	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	register("KP-CP-038", "2.2", "etcd requires client certificates", checks.High,
		"Without client certificate authentication any client that reaches etcd reads and writes the whole cluster state.",
		fix("Set --client-cert-auth=true", manifestEtcd),
		etcdClientCertAuth)
}

func etcdClientCertAuth(snap *snapshot.Snapshot) []checks.Result {
	return eachComponent(snap, etcd, func(c *snapshot.Component) checks.Result {
		return requireBool(c, "client-cert-auth", true)
	})
}
