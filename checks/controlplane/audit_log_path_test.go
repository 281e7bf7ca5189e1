package controlplane

import (
	"testing"

	"github.com/kubeposture/kubeposture/checks"
)

var _ = func() bool {
	componentControls["KP-CP-016"] = componentControl{component: apiserver, cis: "1.2.16", eval: auditLogPath}
	return true
}()

func TestAuditLogPath(t *testing.T) {
	runComponentCases(t, apiserver, auditLogPath, []cpCase{
		{name: "absent", args: nil, want: checks.Fail},
		{name: "set", args: []string{"--audit-log-path=/var/log/audit.log"}, want: checks.Pass},
		{name: "empty", args: []string{"--audit-log-path="}, want: checks.Fail},
	})
}
