package rbac

import (
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/kubeposture/kubeposture/checks"
)

func TestSecretsAccess(t *testing.T) {
	runGrantCases(t, "KP-RBAC-002", "5.1.2", secretsAccess, []grantCase{
		{name: "list secrets", rules: []rbacv1.PolicyRule{rule(s("list"), s(""), s("secrets"))}, kind: "ClusterRoleBinding", subject: subjUser, want: checks.Warn},
		{name: "to all authenticated", rules: []rbacv1.PolicyRule{rule(s("get"), s(""), s("secrets"))}, kind: "ClusterRoleBinding", subject: subjAuth, want: checks.Fail},
		{name: "in a namespace", rules: []rbacv1.PolicyRule{rule(s("watch"), s(""), s("secrets"))}, kind: "RoleBinding", subject: subjUser, want: checks.Warn},
		{name: "wildcard resource", rules: []rbacv1.PolicyRule{rule(s("get"), s(""), s("*"))}, kind: "RoleBinding", subject: subjUser, want: checks.Warn},
		{name: "by name only", rules: []rbacv1.PolicyRule{rule(s("get"), s(""), s("secrets"), "one")}, kind: "ClusterRoleBinding", subject: subjUser, want: checks.Pass},
		{name: "configmaps", rules: []rbacv1.PolicyRule{rule(s("get", "list"), s(""), s("configmaps"))}, kind: "ClusterRoleBinding", subject: subjUser, want: checks.Pass},
		{name: "other group", rules: []rbacv1.PolicyRule{rule(s("get"), s("example.com"), s("secrets"))}, kind: "ClusterRoleBinding", subject: subjUser, want: checks.Pass},
	})
}
