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

func TestAllServiceAccountsBindings(t *testing.T) {
	allSAs := rbacv1.Subject{Kind: "Group", Name: "system:serviceaccounts"}
	issuer := []rbacv1.PolicyRule{{Verbs: s("get"), NonResourceURLs: s("/.well-known/openid-configuration", "/.well-known/openid-configuration/", "/openid/v1/jwks", "/openid/v1/jwks/")}}
	for _, tc := range []struct {
		name     string
		rules    []rbacv1.PolicyRule
		kind     string
		subject  rbacv1.Subject
		labels   map[string]string
		want     checks.Status
		observed string
	}{
		// Kubernetes' own grants to every service account (v1.37 bootstrap policy).
		{"issuer discovery", issuer, "ClusterRoleBinding", allSAs, bootstrap, checks.Pass, ""},
		{"cluster trust bundles", []rbacv1.PolicyRule{rule(s("get", "list", "watch"), s("certificates.k8s.io"), s("clustertrustbundles"))}, "ClusterRoleBinding", allSAs, bootstrap, checks.Pass, ""},
		{"discovery", discoveryRules, "ClusterRoleBinding", allSAs, nil, checks.Pass, ""},
		{"secrets cluster-wide", []rbacv1.PolicyRule{rule(s("list"), s(""), s("secrets"))}, "ClusterRoleBinding", allSAs, nil, checks.Fail,
			"Group system:serviceaccounts granted cluster-wide beyond service-account discovery: list secrets"},
		{"configmaps in one namespace", []rbacv1.PolicyRule{rule(s("get"), s(""), s("configmaps"))}, "RoleBinding", allSAs, nil, checks.Fail, "in namespace team"},
		{"an edited bootstrap binding", []rbacv1.PolicyRule{rule(s("get"), s(""), s("secrets"))}, "ClusterRoleBinding", allSAs, bootstrap, checks.Fail, "get secrets"},
		// One namespace's service accounts are named on purpose: KP-RBAC-005 and 006 judge them.
		{"one namespace's service accounts", []rbacv1.PolicyRule{rule(s("list"), s(""), s("secrets"))}, "ClusterRoleBinding", rbacv1.Subject{Kind: "Group", Name: "system:serviceaccounts:team"}, nil, checks.Pass, ""},
		{"all authenticated is KP-RBAC-014's", []rbacv1.PolicyRule{rule(s("list"), s(""), s("secrets"))}, "ClusterRoleBinding", subjAuth, nil, checks.Pass, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			snap := rbacSnap()
			name := "r"
			if tc.labels != nil {
				name = "system:r"
			}
			bind(snap, name, tc.rules, tc.kind, tc.subject, tc.labels)
			rs := allServiceAccountsBindings(snap)
			if len(rs) != 1 || rs[0].Status != tc.want || !strings.Contains(rs[0].Evidence.Observed, tc.observed) {
				t.Fatalf("got %+v, want one %s observing %q", rs, tc.want, tc.observed)
			}
		})
	}
}
