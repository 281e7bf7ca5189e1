package rbac

import (
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/kubeposture/kubeposture/checks"
)

func TestCsrApproval(t *testing.T) {
	runGrantCases(t, "KP-RBAC-011", "5.1.11", csrApproval, []grantCase{
		{name: "approval", rules: []rbacv1.PolicyRule{rule(s("update"), s("certificates.k8s.io"), s("certificatesigningrequests/approval"))}, kind: "ClusterRoleBinding", subject: subjUser, want: checks.Warn},
		{name: "create csr is not approval", rules: []rbacv1.PolicyRule{rule(s("create"), s("certificates.k8s.io"), s("certificatesigningrequests"))}, kind: "ClusterRoleBinding", subject: subjUser, want: checks.Pass},
	})
}
