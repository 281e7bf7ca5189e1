package rbac

import (
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/kubeposture/kubeposture/checks"
)

func TestClusterAdmin(t *testing.T) {
	all := rule(s("*"), s("*"), s("*"))
	runGrantCases(t, "KP-RBAC-001", "5.1.1", clusterAdmin, []grantCase{
		{name: "everything cluster-wide", rules: []rbacv1.PolicyRule{all}, kind: "ClusterRoleBinding", subject: subjUser, want: checks.Warn},
		{name: "everything in a namespace", rules: []rbacv1.PolicyRule{all}, kind: "RoleBinding", subject: subjUser, want: checks.Warn},
		{name: "to all authenticated", rules: []rbacv1.PolicyRule{all}, kind: "ClusterRoleBinding", subject: subjAuth, want: checks.Fail},
		{name: "every verb on pods is not everything", rules: []rbacv1.PolicyRule{rule(s("*"), s(""), s("*"))}, kind: "ClusterRoleBinding", subject: subjUser, want: checks.Pass},
		{name: "explicit verbs are not *", rules: []rbacv1.PolicyRule{rule(s("get", "list", "create", "update", "delete"), s("*"), s("*"))}, kind: "ClusterRoleBinding", subject: subjUser, want: checks.Pass},
	})
}
