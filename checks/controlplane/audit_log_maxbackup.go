/*
The API server must rotate its audit log file with --audit-log-maxbackup of at least 10.

Source: CIS Kubernetes Benchmark 1.2.18. Default 100 from k8s.io/apiserver pkg/server/options/audit.go (NewAuditOptions) in v1.37; older releases defaulted to 0, which the reference data still says.

Reads: kube-apiserver --audit-log-maxbackup (last occurrence wins, read as pflag IntVar does), --audit-log-path.

Allowed values: 10 or more. Absent is the default 100. Without --audit-log-path, or with "-" (standard out), there is no log file to rotate: NOT_APPLICABLE. A value that is not an integer FAILs.
*/

package controlplane

import (
	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	register("KP-CP-018", "1.2.18", "API server keeps 10 or more audit log files", checks.Low,
		"Keeping too few or too short audit logs loses the evidence an investigation needs.",
		fix("Set --audit-log-maxbackup=10 or more", manifestAPIServer),
		auditLogMaxBackup)
}

func auditLogMaxBackup(snap *snapshot.Snapshot) []checks.Result {
	return eachComponent(snap, apiserver, func(c *snapshot.Component) checks.Result {
		return auditRotation(c, "audit-log-maxbackup", 10)
	})
}
