package rbac

import (
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/kubeposture/kubeposture/checks"
)

func TestNodesProxy(t *testing.T) {
	runGrantCases(t, "KP-RBAC-010", "5.1.10", nodesProxy, []grantCase{
		{name: "nodes/proxy", rules: []rbacv1.PolicyRule{rule(s("get"), s(""), s("nodes/proxy"))}, kind: "ClusterRoleBinding", subject: subjUser, want: checks.Warn},
		{name: "*/proxy", rules: []rbacv1.PolicyRule{rule(s("create"), s(""), s("*/proxy"))}, kind: "ClusterRoleBinding", subject: subjUser, want: checks.Warn},
		{name: "nodes does not cover nodes/proxy", rules: []rbacv1.PolicyRule{rule(s("get"), s(""), s("nodes"))}, kind: "ClusterRoleBinding", subject: subjUser, want: checks.Pass},
		{name: "nodes/metrics", rules: []rbacv1.PolicyRule{rule(s("get"), s(""), s("nodes/metrics"))}, kind: "ClusterRoleBinding", subject: subjUser, want: checks.Pass},
	})
}
