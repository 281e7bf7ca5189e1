package rbac

import (
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/kubeposture/kubeposture/checks"
)

func TestWebhookConfigAccess(t *testing.T) {
	runGrantCases(t, "KP-RBAC-012", "5.1.12", webhookConfigAccess, []grantCase{
		{name: "create mutating", rules: []rbacv1.PolicyRule{rule(s("create"), s("admissionregistration.k8s.io"), s("mutatingwebhookconfigurations"))}, kind: "ClusterRoleBinding", subject: subjUser, want: checks.Warn},
		{name: "read only", rules: []rbacv1.PolicyRule{rule(s("get", "list"), s("admissionregistration.k8s.io"), s("*"))}, kind: "ClusterRoleBinding", subject: subjUser, want: checks.Pass},
	})
}
