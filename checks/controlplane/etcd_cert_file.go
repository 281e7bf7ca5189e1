/*
etcd must be given --cert-file and --key-file.

Source: CIS Kubernetes Benchmark 2.1. go.etcd.io/etcd/server/v3 embed/config.go (AddFlags: both default to "", plain HTTP).

Reads: etcd --cert-file, --key-file, or their ETCD_* variables when a flag is absent (pkg/flags SetFlagsFromEnv); --config-file / ETCD_CONFIG_FILE replaces both (NOT_EVALUATED).

Allowed values: both set to a non-empty path.
*/

package controlplane

import (
	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	register("KP-CP-037", "2.1", "etcd serves clients over TLS", checks.High,
		"Without a serving certificate etcd talks to clients in plain text, secrets included.",
		fix("Set --cert-file and --key-file", manifestEtcd),
		etcdCertFile)
}

func etcdCertFile(snap *snapshot.Snapshot) []checks.Result {
	return eachComponent(snap, etcd, func(c *snapshot.Component) checks.Result {
		return requirePresent(c, "cert-file", "key-file")
	})
}
