package rbac

import (
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/kubeposture/kubeposture/checks"
)

func TestCreatePods(t *testing.T) {
	runGrantCases(t, "KP-RBAC-004", "5.1.4", createPods, []grantCase{
		{name: "create pods", rules: []rbacv1.PolicyRule{rule(s("create"), s(""), s("pods"))}, kind: "RoleBinding", subject: subjUser, want: checks.Warn},
		{name: "verb wildcard", rules: []rbacv1.PolicyRule{rule(s("*"), s(""), s("pods"))}, kind: "ClusterRoleBinding", subject: subjAuth, want: checks.Fail},
		{name: "exec is not create pods", rules: []rbacv1.PolicyRule{rule(s("create"), s(""), s("pods/exec"))}, kind: "RoleBinding", subject: subjUser, want: checks.Pass},
		{name: "get pods", rules: []rbacv1.PolicyRule{rule(s("get"), s(""), s("pods"))}, kind: "RoleBinding", subject: subjUser, want: checks.Pass},
	})
}
