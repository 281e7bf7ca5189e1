package rbac

import (
	"strings"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/kubeposture/kubeposture/checks"
)

func TestBroadGroupBindings(t *testing.T) {
	anon := rbacv1.Subject{Kind: "User", Name: "system:anonymous"}
	unauth := rbacv1.Subject{Kind: "Group", Name: "system:unauthenticated"}
	for _, tc := range []struct {
		name     string
		rules    []rbacv1.PolicyRule
		subject  rbacv1.Subject
		labels   map[string]string
		want     checks.Status
		observed string
	}{
		{"discovery to authenticated", discoveryRules, subjAuth, bootstrap, checks.Pass, ""},
		{"public info to unauthenticated", []rbacv1.PolicyRule{{Verbs: s("get"), NonResourceURLs: s("/version", "/healthz")}}, unauth, nil, checks.Pass, ""},
		{"pods to anonymous", []rbacv1.PolicyRule{rule(s("list"), s(""), s("pods"))}, anon, nil, checks.Fail, "list pods"},
		{"metrics to unauthenticated", []rbacv1.PolicyRule{{Verbs: s("get"), NonResourceURLs: s("/metrics")}}, unauth, nil, checks.Fail, "/metrics"},
		{"all URLs", []rbacv1.PolicyRule{{Verbs: s("get"), NonResourceURLs: s("*")}}, subjAuth, nil, checks.Fail, "get *"},
		// Kubernetes' own bindings are judged too: an edited bootstrap binding is no excuse.
		{"bootstrap-labelled with more", []rbacv1.PolicyRule{rule(s("get"), s(""), s("secrets"))}, subjAuth, bootstrap, checks.Fail, "secrets"},
		{"a user named like the group", []rbacv1.PolicyRule{rule(s("get"), s(""), s("secrets"))}, rbacv1.Subject{Kind: "User", Name: "system:authenticated"}, nil, checks.Pass, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			snap := rbacSnap()
			name := "r"
			if tc.labels != nil {
				name = "system:r"
			}
			bind(snap, name, tc.rules, "ClusterRoleBinding", tc.subject, tc.labels)
			rs := broadGroupBindings(snap)
			if len(rs) != 1 || rs[0].Status != tc.want || !strings.Contains(rs[0].Evidence.Observed, tc.observed) {
				t.Fatalf("got %+v, want one %s observing %q", rs, tc.want, tc.observed)
			}
		})
	}
}
