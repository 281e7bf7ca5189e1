package rbac

import (
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/kubeposture/kubeposture/checks"
)

func TestCreatePersistentVolumes(t *testing.T) {
	runGrantCases(t, "KP-RBAC-009", "5.1.9", createPersistentVolumes, []grantCase{
		{name: "create pvs", rules: []rbacv1.PolicyRule{rule(s("create"), s(""), s("persistentvolumes"))}, kind: "ClusterRoleBinding", subject: subjUser, want: checks.Warn},
		{name: "through a RoleBinding: cluster-scoped, not granted", rules: []rbacv1.PolicyRule{rule(s("create"), s(""), s("persistentvolumes"))}, kind: "RoleBinding", subject: subjUser, want: checks.Pass},
		{name: "claims are not volumes", rules: []rbacv1.PolicyRule{rule(s("create"), s(""), s("persistentvolumeclaims"))}, kind: "ClusterRoleBinding", subject: subjUser, want: checks.Pass},
	})
}
