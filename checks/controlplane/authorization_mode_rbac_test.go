package controlplane

import (
	"testing"

	"github.com/kubeposture/kubeposture/checks"
)

func TestAuthorizationModeRBAC(t *testing.T) {
	runFlagCases(t, authorizationModeRBAC, []flagCase{
		{name: "absent: default AlwaysAllow", args: nil, want: checks.Fail, observed: "absent (default: AlwaysAllow)"},
		{name: "Node,RBAC", args: []string{"--authorization-mode=Node,RBAC"}, want: checks.Pass},
		{name: "Node only", args: []string{"--authorization-mode=Node"}, want: checks.Fail},
		{name: "rbac is not RBAC", args: []string{"--authorization-mode=Node,rbac"}, want: checks.Fail},
		{name: "RBACX is not RBAC", args: []string{"--authorization-mode=Node,RBACX"}, want: checks.Fail},
		{name: "ABAC is not RBAC", args: []string{"--authorization-mode=Node,ABAC"}, want: checks.Fail},
		{name: "repeats accumulate", args: []string{"--authorization-mode=RBAC", "--authorization-mode=Node"}, want: checks.Pass},
		{name: "authorization-config", args: []string{"--authorization-config=/etc/kubernetes/authz.yaml"}, want: checks.NotEvaluated},
	})
}
