package controlplane

import (
	"testing"

	"github.com/kubeposture/kubeposture/checks"
)

var _ = func() bool {
	componentControls["KP-CP-044"] = componentControl{component: apiserver, cis: "3.2.1", eval: auditPolicyFile}
	return true
}()

func TestAuditPolicyFile(t *testing.T) {
	runComponentCases(t, apiserver, auditPolicyFile, []cpCase{
		{name: "absent", args: nil, want: checks.Fail},
		{name: "set", args: []string{"--audit-policy-file=/etc/k/audit.yaml"}, want: checks.Pass},
	})
}
