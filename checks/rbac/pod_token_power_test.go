package rbac

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/kubeposture/kubeposture/checks"
)

func TestPodTokenPower(t *testing.T) {
	sa := rbacv1.Subject{Kind: "ServiceAccount", Name: "app", Namespace: "team"}
	for _, tc := range []struct {
		name     string
		rules    []rbacv1.PolicyRule
		kind     string
		subject  rbacv1.Subject
		mount    *bool
		want     checks.Status
		observed string
	}{
		{"list secrets cluster-wide", []rbacv1.PolicyRule{rule(s("list"), s(""), s("secrets"))}, "ClusterRoleBinding", sa, nil, checks.Fail, "can list secrets cluster-wide (ClusterRoleBinding/r -> ClusterRole/r)"},
		{"cluster-admin through all service accounts", []rbacv1.PolicyRule{rule(s("*"), s("*"), s("*"))}, "ClusterRoleBinding", rbacv1.Subject{Kind: "Group", Name: "system:serviceaccounts"}, nil, checks.Fail, "can get secrets"},
		{"impersonate", []rbacv1.PolicyRule{rule(s("impersonate"), s(""), s("users", "groups"))}, "ClusterRoleBinding", sa, nil, checks.Fail, "impersonate"},
		{"secrets in its namespace only", []rbacv1.PolicyRule{rule(s("list"), s(""), s("secrets"))}, "RoleBinding", sa, nil, checks.Pass, ""},
		{"token not mounted", []rbacv1.PolicyRule{rule(s("list"), s(""), s("secrets"))}, "ClusterRoleBinding", sa, ptr.To(false), checks.Pass, ""},
		{"another account", []rbacv1.PolicyRule{rule(s("list"), s(""), s("secrets"))}, "ClusterRoleBinding", rbacv1.Subject{Kind: "ServiceAccount", Name: "other", Namespace: "team"}, nil, checks.Pass, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			snap := rbacSnap()
			snap.Pods = []corev1.Pod{{ObjectMeta: metav1.ObjectMeta{Namespace: "team", Name: "p"}, Spec: corev1.PodSpec{ServiceAccountName: "app", AutomountServiceAccountToken: tc.mount}}}
			bind(snap, "r", tc.rules, tc.kind, tc.subject, nil)
			rs := podTokenPower(snap)
			if len(rs) != 1 || rs[0].Status != tc.want || !strings.Contains(rs[0].Evidence.Observed, tc.observed) {
				t.Fatalf("got %+v, want one %s observing %q", rs, tc.want, tc.observed)
			}
		})
	}
}
