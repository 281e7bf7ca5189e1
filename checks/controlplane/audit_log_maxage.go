/*
The API server must rotate its audit log file with --audit-log-maxage of at least 30.

Source: CIS Kubernetes Benchmark 1.2.17. Default 366 from k8s.io/apiserver pkg/server/options/audit.go (NewAuditOptions) in v1.37; older releases defaulted to 0, which the reference data still says.

Reads: kube-apiserver --audit-log-maxage (last occurrence wins, read as pflag IntVar does), --audit-log-path.

Allowed values: 30 or more. Absent is the default 366. Without --audit-log-path, or with "-" (standard out), there is no log file to rotate: NOT_APPLICABLE. A value that is not an integer FAILs.
*/

package controlplane

import (
	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	register("KP-CP-017", "1.2.17", "API server keeps audit logs for 30 days or more", checks.Low,
		"Keeping too few or too short audit logs loses the evidence an investigation needs.",
		fix("Set --audit-log-maxage=30 or more", manifestAPIServer),
		auditLogMaxAge)
}

func auditLogMaxAge(snap *snapshot.Snapshot) []checks.Result {
	return eachComponent(snap, apiserver, func(c *snapshot.Component) checks.Result {
		return auditRotation(c, "audit-log-maxage", 30)
	})
}
