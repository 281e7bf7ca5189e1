package rbac

import (
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/kubeposture/kubeposture/checks"
)

func TestServiceAccountTokenCreation(t *testing.T) {
	runGrantCases(t, "KP-RBAC-013", "5.1.13", serviceAccountTokenCreation, []grantCase{
		{name: "token", rules: []rbacv1.PolicyRule{rule(s("create"), s(""), s("serviceaccounts/token"))}, kind: "RoleBinding", subject: subjUser, want: checks.Warn},
		{name: "create serviceaccounts is not token", rules: []rbacv1.PolicyRule{rule(s("create"), s(""), s("serviceaccounts"))}, kind: "RoleBinding", subject: subjUser, want: checks.Pass},
	})
}
