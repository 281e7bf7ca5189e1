package controlplane

import (
	"testing"

	"github.com/kubeposture/kubeposture/checks"
)

func TestAuthorizationModeNotAlwaysAllow(t *testing.T) {
	runFlagCases(t, authorizationModeNotAlwaysAllow, []flagCase{
		{name: "absent: default AlwaysAllow", args: nil, want: checks.Fail, observed: "absent (default: AlwaysAllow)"},
		{name: "Node,RBAC", args: []string{"--authorization-mode=Node,RBAC"}, want: checks.Pass, observed: `"Node,RBAC"`},
		{name: "separate word", args: []string{"--authorization-mode", "Node,RBAC"}, want: checks.Pass},
		{name: "AlwaysAllow", args: []string{"--authorization-mode=AlwaysAllow"}, want: checks.Fail},
		{name: "AlwaysAllow at the end of the chain", args: []string{"--authorization-mode=Node,RBAC,AlwaysAllow"}, want: checks.Fail},
		{name: "AlwaysAllow first", args: []string{"--authorization-mode=AlwaysAllow,RBAC"}, want: checks.Fail},
		{name: "spaces are trimmed", args: []string{"--authorization-mode=Node, AlwaysAllow"}, want: checks.Fail},
		{name: "AlwaysAllowX is another token", args: []string{"--authorization-mode=RBAC,AlwaysAllowX"}, want: checks.Pass},
		{name: "case-sensitive", args: []string{"--authorization-mode=RBAC,alwaysallow"}, want: checks.Pass},
		{name: "AlwaysDeny", args: []string{"--authorization-mode=AlwaysDeny"}, want: checks.Pass},
		{name: "empty: default AlwaysAllow", args: []string{"--authorization-mode="}, want: checks.Fail, observed: "default AlwaysAllow"},
		{name: "only commas: no mode", args: []string{"--authorization-mode=,,"}, want: checks.Fail, observed: "default AlwaysAllow"},
		// A StringSlice flag appends on repeat: the earlier AlwaysAllow is still in the chain.
		{name: "repeats accumulate", args: []string{"--authorization-mode=AlwaysAllow", "--authorization-mode=Node,RBAC"}, want: checks.Fail, observed: "given 2 times"},
		{name: "repeats accumulate: clean", args: []string{"--authorization-mode=Node", "--authorization-mode=RBAC"}, want: checks.Pass},
		{name: "bare: unreadable", args: []string{"--authorization-mode"}, want: checks.Fail, observed: "without a value"},
		{name: "bad CSV quote: unreadable", args: []string{`--authorization-mode=Node,RB"AC`}, want: checks.Fail, observed: "not a comma list"},
		{name: "authorization-config", args: []string{"--authorization-config=/etc/kubernetes/authz.yaml"}, want: checks.NotEvaluated, observed: "/etc/kubernetes/authz.yaml"},
		{name: "authorization-config with modes", args: []string{"--authorization-config=/etc/kubernetes/authz.yaml", "--authorization-mode=AlwaysAllow"}, want: checks.NotEvaluated},
	})
}
