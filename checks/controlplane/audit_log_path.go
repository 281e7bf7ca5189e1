/*
The API server must write an audit log.

Source: CIS Kubernetes Benchmark 1.2.16. k8s.io/apiserver pkg/server/options/audit.go (AuditLogOptions.Path unset by default: no log backend).

Reads: kube-apiserver --audit-log-path.

Allowed values: set to a non-empty path ("-" writes to standard out, which counts as set). An audit webhook (--audit-webhook-config-file) is not a substitute for this control.
*/

package controlplane

import (
	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	register("KP-CP-016", "1.2.16", "API server writes an audit log", checks.Medium,
		"Without an audit log there is no record of who did what in the cluster.",
		fix("Set --audit-log-path (and --audit-policy-file)", manifestAPIServer),
		auditLogPath)
}

func auditLogPath(snap *snapshot.Snapshot) []checks.Result {
	return eachComponent(snap, apiserver, func(c *snapshot.Component) checks.Result {
		return requirePresent(c, "audit-log-path")
	})
}
