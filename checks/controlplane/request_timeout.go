/*
The API server's request timeout should suit the cluster.

Source: CIS Kubernetes Benchmark 1.12, 1.2.20 (manual: "set as appropriate"). Default 60s from
k8s.io/apiserver pkg/server/config.go (NewConfig: RequestTimeout), bound to --request-timeout
in pkg/server/options/server_run_options.go.

Reads: kube-apiserver --request-timeout (last occurrence wins).

Allowed values: none automatically: the result is MANUAL, with the effective value and where
it comes from, for an operator to judge (too long holds connections open under a flood, too
short breaks large lists).
*/

package controlplane

import (
	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	register("KP-CP-049", "1.2.20", "API server request timeout suits the cluster", checks.Low,
		"The global request timeout bounds how long a request may hold a connection; the default (60s) suits most clusters.",
		fix("Set --request-timeout to a value that suits the cluster (the default 60s unless large lists need more)", manifestAPIServer),
		requestTimeout)
}

func requestTimeout(snap *snapshot.Snapshot) []checks.Result {
	return eachComponent(snap, apiserver, func(c *snapshot.Component) checks.Result {
		return manualValue(c, "request-timeout", "is this request timeout appropriate")
	})
}
