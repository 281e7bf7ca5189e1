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

func TestDefaultServiceAccounts(t *testing.T) {
	read := []rbacv1.PolicyRule{rule(s("get"), s(""), s("configmaps"))}
	for _, tc := range []struct {
		name      string
		automount *bool
		subject   *rbacv1.Subject
		labels    map[string]string
		want      checks.Status
		observed  string
	}{
		{"unset automount", nil, nil, nil, checks.Warn, "default: true"},
		{"automount true", ptr.To(true), nil, nil, checks.Warn, "true"},
		{"automount false", ptr.To(false), nil, nil, checks.Pass, "false"},
		{"bound directly", ptr.To(false), &rbacv1.Subject{Kind: "ServiceAccount", Name: "default"}, nil, checks.Fail, "RoleBinding/team/r"},
		{"bound through the namespace's service-account group", ptr.To(false), &rbacv1.Subject{Kind: "Group", Name: "system:serviceaccounts:team"}, nil, checks.Fail, "bound by"},
		{"another account bound", ptr.To(false), &rbacv1.Subject{Kind: "ServiceAccount", Name: "app"}, nil, checks.Pass, ""},
		{"another namespace's default", ptr.To(false), &rbacv1.Subject{Kind: "ServiceAccount", Name: "default", Namespace: "other"}, nil, checks.Pass, ""},
		{"Kubernetes' own binding", ptr.To(false), &rbacv1.Subject{Kind: "ServiceAccount", Name: "default"}, bootstrap, checks.Pass, ""},
		{"bound by its user name", ptr.To(false), &rbacv1.Subject{Kind: "User", Name: "system:serviceaccount:team:default"}, nil, checks.Fail, "RoleBinding/team/r"},
		// A grant to everyone of a kind is not a grant to this account: KP-RBAC-014 and
		// KP-RBAC-017 report it, once.
		{"granted to every authenticated identity", ptr.To(false), &subjAuth, nil, checks.Pass, "automountServiceAccountToken: false"},
		{"granted to every service account", ptr.To(false), &rbacv1.Subject{Kind: "Group", Name: "system:serviceaccounts"}, nil, checks.Pass, "automountServiceAccountToken: false"},
		{"granted to another namespace's service accounts", ptr.To(false), &rbacv1.Subject{Kind: "Group", Name: "system:serviceaccounts:other"}, nil, checks.Pass, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			snap := rbacSnap()
			snap.ServiceAccounts = []corev1.ServiceAccount{
				{ObjectMeta: metav1.ObjectMeta{Namespace: "team", Name: "default"}, AutomountServiceAccountToken: tc.automount},
				{ObjectMeta: metav1.ObjectMeta{Namespace: "team", Name: "app"}},
			}
			if tc.subject != nil {
				name := "r"
				if tc.labels != nil {
					name = "system:r"
				}
				bind(snap, name, read, "RoleBinding", *tc.subject, tc.labels)
			}
			rs := defaultServiceAccounts(snap)
			if len(rs) != 1 || rs[0].Status != tc.want || !strings.Contains(rs[0].Evidence.Observed, tc.observed) {
				t.Fatalf("got %+v, want one %s observing %q", rs, tc.want, tc.observed)
			}
		})
	}
}
