package rbac

import (
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/kubeposture/kubeposture/checks"
)

func TestBindEscalateImpersonate(t *testing.T) {
	runGrantCases(t, "KP-RBAC-008", "5.1.8", bindEscalateImpersonate, []grantCase{
		{name: "bind", rules: []rbacv1.PolicyRule{rule(s("bind"), s("rbac.authorization.k8s.io"), s("clusterroles"))}, kind: "ClusterRoleBinding", subject: subjUser, want: checks.Warn},
		{name: "escalate roles in a namespace", rules: []rbacv1.PolicyRule{rule(s("escalate"), s("rbac.authorization.k8s.io"), s("roles"))}, kind: "RoleBinding", subject: subjUser, want: checks.Warn},
		{name: "impersonate users", rules: []rbacv1.PolicyRule{rule(s("impersonate"), s(""), s("users"))}, kind: "ClusterRoleBinding", subject: subjAuth, want: checks.Fail},
		{name: "impersonate users through a RoleBinding: cluster-scoped, not granted", rules: []rbacv1.PolicyRule{rule(s("impersonate"), s(""), s("users"))}, kind: "RoleBinding", subject: subjUser, want: checks.Pass},
		{name: "create roles is not bind", rules: []rbacv1.PolicyRule{rule(s("create"), s("rbac.authorization.k8s.io"), s("roles"))}, kind: "RoleBinding", subject: subjUser, want: checks.Pass},
	})
}
