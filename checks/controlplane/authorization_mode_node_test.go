package controlplane

import (
	"testing"

	"github.com/kubeposture/kubeposture/checks"
)

func TestAuthorizationModeNode(t *testing.T) {
	runFlagCases(t, authorizationModeNode, []flagCase{
		{name: "absent: default AlwaysAllow", args: nil, want: checks.Fail, observed: "absent (default: AlwaysAllow)"},
		{name: "Node,RBAC", args: []string{"--authorization-mode=Node,RBAC"}, want: checks.Pass},
		{name: "RBAC,Node", args: []string{"--authorization-mode=RBAC,Node"}, want: checks.Pass},
		{name: "RBAC only", args: []string{"--authorization-mode=RBAC"}, want: checks.Fail},
		{name: "NodeRestriction is not Node", args: []string{"--authorization-mode=NodeRestriction,RBAC"}, want: checks.Fail},
		{name: "node is not Node", args: []string{"--authorization-mode=node,RBAC"}, want: checks.Fail},
		{name: "spaces are trimmed", args: []string{"--authorization-mode=RBAC, Node"}, want: checks.Pass},
		{name: "repeats accumulate", args: []string{"--authorization-mode=Node", "--authorization-mode=RBAC"}, want: checks.Pass},
		{name: "Node,RBAC,AlwaysAllow includes Node", args: []string{"--authorization-mode=Node,RBAC,AlwaysAllow"}, want: checks.Pass},
		{name: "empty: default AlwaysAllow", args: []string{"--authorization-mode="}, want: checks.Fail},
		{name: "authorization-config", args: []string{"--authorization-config=/etc/kubernetes/authz.yaml"}, want: checks.NotEvaluated},
	})
}
