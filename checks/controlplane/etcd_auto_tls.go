/*
etcd --auto-tls must be false.

Source: CIS Kubernetes Benchmark 2.3. Default false from go.etcd.io/etcd/server/v3 embed/config.go (AddFlags: zero value false).

Reads: etcd --auto-tls (last occurrence wins), or the ETCD_AUTO_TLS environment variable when the flag is absent (a non-empty variable and the flag together make etcd exit: FAIL); --config-file or ETCD_CONFIG_FILE replaces both (NOT_EVALUATED).

Allowed values: false, in any spelling strconv.ParseBool reads. Absent is the default (false). A value that is not a boolean FAILs.
*/

package controlplane

import (
	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	register("KP-CP-039", "2.3", "etcd does not use self-signed client certificates", checks.High,
		"With auto-tls etcd generates a self-signed certificate that clients cannot verify.",
		fix("Remove --auto-tls or set it to false", manifestEtcd),
		etcdAutoTLS)
}

func etcdAutoTLS(snap *snapshot.Snapshot) []checks.Result {
	return eachComponent(snap, etcd, func(c *snapshot.Component) checks.Result {
		return requireBool(c, "auto-tls", false)
	})
}
