package rbac

import (
	"strings"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubeposture/kubeposture/checks"
)

func TestWildcards(t *testing.T) {
	for _, tc := range []struct {
		name     string
		rules    []rbacv1.PolicyRule
		labels   map[string]string
		want     checks.Status
		observed string
	}{
		{"verb", []rbacv1.PolicyRule{rule(s("*"), s(""), s("pods"))}, nil, checks.Warn, `verbs "*"`},
		{"resource", []rbacv1.PolicyRule{rule(s("get"), s(""), s("*"))}, nil, checks.Warn, `resources "*"`},
		{"subresource wildcard", []rbacv1.PolicyRule{rule(s("get"), s(""), s("*/status"))}, nil, checks.Warn, `"*/status"`},
		{"group", []rbacv1.PolicyRule{rule(s("get"), s("*"), s("pods"))}, nil, checks.Warn, "apiGroups"},
		{"url", []rbacv1.PolicyRule{{Verbs: s("get"), NonResourceURLs: s("/metrics*")}}, nil, checks.Warn, "nonResourceURLs"},
		{"second rule is named", []rbacv1.PolicyRule{rule(s("get"), s(""), s("pods")), rule(s("*"), s(""), s("pods"))}, nil, checks.Warn, "rules[1]"},
		{"none", []rbacv1.PolicyRule{rule(s("get"), s(""), s("pods"))}, nil, checks.Pass, "no wildcard"},
		{"bootstrap role", []rbacv1.PolicyRule{rule(s("*"), s("*"), s("*"))}, bootstrap, checks.Pass, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			snap := rbacSnap()
			name := "custom"
			if tc.labels != nil {
				name = "cluster-admin"
			}
			snap.Roles = append(snap.Roles, rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Namespace: "team", Name: name, Labels: tc.labels}, Rules: tc.rules})
			rs := wildcards(snap)
			if len(rs) != 1 || rs[0].Status != tc.want || !strings.Contains(rs[0].Evidence.Observed, tc.observed) {
				t.Fatalf("got %+v, want one %s observing %q", rs, tc.want, tc.observed)
			}
			if tc.want == checks.Warn && rs[0].Resource != (checks.Resource{Kind: "Role", Namespace: "team", Name: "custom"}) {
				t.Errorf("resource %v", rs[0].Resource)
			}
		})
	}
}
