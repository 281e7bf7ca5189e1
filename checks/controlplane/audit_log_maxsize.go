/*
The API server must rotate its audit log file with --audit-log-maxsize of at least 100.

Source: CIS Kubernetes Benchmark 1.2.19. Default 100 from k8s.io/apiserver pkg/server/options/audit.go (NewAuditOptions) in v1.37; older releases defaulted to 0, which the reference data still says.

Reads: kube-apiserver --audit-log-maxsize (last occurrence wins, read as pflag IntVar does), --audit-log-path.

Allowed values: 100 or more. Absent is the default 100. Without --audit-log-path, or with "-" (standard out), there is no log file to rotate: NOT_APPLICABLE. A value that is not an integer FAILs.
*/

package controlplane

import (
	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	register("KP-CP-019", "1.2.19", "API server rotates audit logs at 100 MB or more", checks.Low,
		"Keeping too few or too short audit logs loses the evidence an investigation needs.",
		fix("Set --audit-log-maxsize=100 or more", manifestAPIServer),
		auditLogMaxSize)
}

func auditLogMaxSize(snap *snapshot.Snapshot) []checks.Result {
	return eachComponent(snap, apiserver, func(c *snapshot.Component) checks.Result {
		return auditRotation(c, "audit-log-maxsize", 100)
	})
}
