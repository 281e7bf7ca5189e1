package authz

import (
	"slices"
	"sort"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/component-helpers/auth/rbac/validation"
)

func rule(verbs, groups, resources []string, names ...string) rbacv1.PolicyRule {
	return rbacv1.PolicyRule{Verbs: verbs, APIGroups: groups, Resources: resources, ResourceNames: names}
}

func s(v ...string) []string { return v }

func TestRulesAllow(t *testing.T) {
	get := func(res string) Request { return Request{Verb: "get", Resource: res} }
	for _, tc := range []struct {
		name  string
		rules []rbacv1.PolicyRule
		req   Request
		want  bool
	}{
		{"exact", []rbacv1.PolicyRule{rule(s("get"), s(""), s("secrets"))}, get("secrets"), true},
		{"other verb", []rbacv1.PolicyRule{rule(s("list"), s(""), s("secrets"))}, get("secrets"), false},
		{"no substring: secret is not secrets", []rbacv1.PolicyRule{rule(s("get"), s(""), s("secret"))}, get("secrets"), false},
		{"no substring: verb", []rbacv1.PolicyRule{rule(s("getx"), s(""), s("secrets"))}, get("secrets"), false},
		{"verb wildcard", []rbacv1.PolicyRule{rule(s("*"), s(""), s("secrets"))}, get("secrets"), true},
		{"resource wildcard", []rbacv1.PolicyRule{rule(s("get"), s(""), s("*"))}, get("secrets"), true},
		{"group wildcard", []rbacv1.PolicyRule{rule(s("get"), s("*"), s("deployments"))}, Request{Verb: "get", Group: "apps", Resource: "deployments"}, true},
		{"wrong group", []rbacv1.PolicyRule{rule(s("get"), s(""), s("deployments"))}, Request{Verb: "get", Group: "apps", Resource: "deployments"}, false},
		{"resource does not cover subresource", []rbacv1.PolicyRule{rule(s("create"), s(""), s("pods"))}, Request{Verb: "create", Resource: "pods", Subresource: "exec"}, false},
		{"subresource exact", []rbacv1.PolicyRule{rule(s("create"), s(""), s("pods/exec"))}, Request{Verb: "create", Resource: "pods", Subresource: "exec"}, true},
		{"*/subresource", []rbacv1.PolicyRule{rule(s("get"), s(""), s("*/proxy"))}, Request{Verb: "get", Resource: "nodes", Subresource: "proxy"}, true},
		{"* covers subresources", []rbacv1.PolicyRule{rule(s("get"), s(""), s("*"))}, Request{Verb: "get", Resource: "nodes", Subresource: "proxy"}, true},
		{"subresource does not cover resource", []rbacv1.PolicyRule{rule(s("get"), s(""), s("pods/log"))}, get("pods"), false},
		{"resourceNames do not cover all", []rbacv1.PolicyRule{rule(s("get"), s(""), s("secrets"), "one")}, get("secrets"), false},
		{"resourceNames cover that name", []rbacv1.PolicyRule{rule(s("get"), s(""), s("secrets"), "one")}, Request{Verb: "get", Resource: "secrets", Name: "one"}, true},
		{"non-resource rule grants no resource", []rbacv1.PolicyRule{{Verbs: s("get"), NonResourceURLs: s("*")}}, get("secrets"), false},
		{"second rule", []rbacv1.PolicyRule{rule(s("list"), s(""), s("pods")), rule(s("get"), s(""), s("secrets"))}, get("secrets"), true},
		// Covers against the whole set could combine verbs of two rules; one rule must grant it.
		{"no rule", nil, get("secrets"), false},
	} {
		if got := RulesAllow(tc.rules, tc.req); got != tc.want {
			t.Errorf("%s: RulesAllow = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func meta(name string, lbl map[string]string) metav1.ObjectMeta {
	return metav1.ObjectMeta{Name: name, Labels: lbl}
}

func TestEvaluator(t *testing.T) {
	clusterRoles := []rbacv1.ClusterRole{
		{ObjectMeta: meta("secret-reader", map[string]string{"agg": "yes"}), Rules: []rbacv1.PolicyRule{rule(s("get", "list"), s(""), s("secrets"))}},
		{ObjectMeta: meta("pod-maker", nil), Rules: []rbacv1.PolicyRule{rule(s("create"), s(""), s("pods"))}},
		// The stored rules of an aggregated role are replaced by the aggregate.
		{ObjectMeta: meta("aggregate", nil), AggregationRule: &rbacv1.AggregationRule{ClusterRoleSelectors: []metav1.LabelSelector{{MatchLabels: map[string]string{"agg": "yes"}}}},
			Rules: []rbacv1.PolicyRule{rule(s("delete"), s(""), s("nodes"))}},
		// Aggregation resolves through another aggregated role.
		{ObjectMeta: meta("outer", nil), AggregationRule: &rbacv1.AggregationRule{ClusterRoleSelectors: []metav1.LabelSelector{{MatchLabels: map[string]string{"tier": "inner"}}}}},
		{ObjectMeta: meta("inner", map[string]string{"tier": "inner"}), AggregationRule: &rbacv1.AggregationRule{ClusterRoleSelectors: []metav1.LabelSelector{{MatchLabels: map[string]string{"agg": "yes"}}}}},
	}
	roles := []rbacv1.Role{{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "cm"}, Rules: []rbacv1.PolicyRule{rule(s("get"), s(""), s("configmaps"))}}}
	crbs := []rbacv1.ClusterRoleBinding{
		{ObjectMeta: meta("agg-to-alice", nil), RoleRef: rbacv1.RoleRef{Kind: "ClusterRole", Name: "aggregate"}, Subjects: []rbacv1.Subject{{Kind: "User", Name: "alice"}}},
		{ObjectMeta: meta("outer-to-ops", nil), RoleRef: rbacv1.RoleRef{Kind: "ClusterRole", Name: "outer"}, Subjects: []rbacv1.Subject{{Kind: "Group", Name: "ops"}}},
		{ObjectMeta: meta("missing-role", nil), RoleRef: rbacv1.RoleRef{Kind: "ClusterRole", Name: "nope"}, Subjects: []rbacv1.Subject{{Kind: "User", Name: "dan"}}},
	}
	rbs := []rbacv1.RoleBinding{
		// A ClusterRole through a RoleBinding grants only in the binding's namespace; a
		// ServiceAccount subject without a namespace is the binding's.
		{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "pods"}, RoleRef: rbacv1.RoleRef{Kind: "ClusterRole", Name: "pod-maker"}, Subjects: []rbacv1.Subject{{Kind: "ServiceAccount", Name: "ci"}, {Kind: "User", Name: "bob"}}},
		{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "cm"}, RoleRef: rbacv1.RoleRef{Kind: "Role", Name: "cm"}, Subjects: []rbacv1.Subject{{Kind: "Group", Name: AllServiceAccounts + ":shop"}}},
	}
	e := New(roles, clusterRoles, rbs, crbs)
	secretsAll := Request{Verb: "list", Resource: "secrets"}
	for _, tc := range []struct {
		name string
		u    User
		r    Request
		want bool
	}{
		{"aggregated role grants the aggregate", User{Name: "alice"}, secretsAll, true},
		{"aggregated role's stored rules are replaced", User{Name: "alice"}, Request{Verb: "delete", Resource: "nodes"}, false},
		{"nested aggregation", User{Name: "carol", Groups: s("ops")}, secretsAll, true},
		{"binding to a missing role grants nothing", User{Name: "dan"}, Request{Verb: "get", Resource: "pods"}, false},
		{"rolebinding: its namespace", User{Name: "bob"}, Request{Verb: "create", Resource: "pods", Namespace: "shop"}, true},
		{"rolebinding: not another namespace", User{Name: "bob"}, Request{Verb: "create", Resource: "pods", Namespace: "legacy"}, false},
		{"rolebinding: not cluster-wide", User{Name: "bob"}, Request{Verb: "create", Resource: "pods"}, false},
		{"sa subject defaults to the binding's namespace", ServiceAccountUser("shop", "ci"), Request{Verb: "create", Resource: "pods", Namespace: "shop"}, true},
		{"sa of another namespace", ServiceAccountUser("legacy", "ci"), Request{Verb: "create", Resource: "pods", Namespace: "shop"}, false},
		{"namespace sa group", ServiceAccountUser("shop", "default"), Request{Verb: "get", Resource: "configmaps", Namespace: "shop"}, true},
		{"user named like a group is not the group", User{Name: "ops"}, secretsAll, false},
		{"system:masters bypasses RBAC", User{Name: "root", Groups: s(Masters)}, Request{Verb: "delete", Resource: "nodes"}, true},
	} {
		if got, _ := e.Can(tc.u, tc.r); got != tc.want {
			t.Errorf("%s: Can(%v, %s) = %v, want %v", tc.name, tc.u, tc.r, got, tc.want)
		}
	}
}

func TestAggregationCycle(t *testing.T) {
	crs := []rbacv1.ClusterRole{
		{ObjectMeta: meta("a", map[string]string{"x": "a"}), AggregationRule: &rbacv1.AggregationRule{ClusterRoleSelectors: []metav1.LabelSelector{{MatchLabels: map[string]string{"x": "b"}}}}},
		{ObjectMeta: meta("b", map[string]string{"x": "b"}), AggregationRule: &rbacv1.AggregationRule{ClusterRoleSelectors: []metav1.LabelSelector{{MatchLabels: map[string]string{"x": "a"}}}}},
	}
	if r := resolveAggregation(crs); len(r["a"]) != 0 || len(r["b"]) != 0 {
		t.Errorf("cycle resolved to rules: %v", r)
	}
}

func TestIsDefault(t *testing.T) {
	boot := map[string]string{"kubernetes.io/bootstrapping": "rbac-defaults"}
	for _, tc := range []struct {
		m    metav1.ObjectMeta
		want bool
	}{
		{meta("system:node", boot), true}, {meta("cluster-admin", boot), true},
		{meta("system:node", nil), false}, {meta("my-admin", boot), false},
	} {
		if got := isDefault(tc.m); got != tc.want {
			t.Errorf("isDefault(%s %v) = %v", tc.m.Name, tc.m.Labels, got)
		}
	}
}

// TestRulesAllowMatchesCovers: the verb and group pre-filter of RulesAllow never changes an
// answer of validation.Covers, over every combination of a small vocabulary with wildcards.
func TestRulesAllowMatchesCovers(t *testing.T) {
	verbs := [][]string{{"get"}, {"*"}, {"list", "create"}, {}}
	groups := [][]string{{""}, {"*"}, {"apps"}, {"", "apps"}}
	resources := [][]string{{"pods"}, {"*"}, {"pods/exec"}, {"*/exec"}, {"secrets", "pods"}}
	names := [][]string{nil, {"a"}}
	var rules []rbacv1.PolicyRule
	for _, v := range verbs {
		for _, g := range groups {
			for _, r := range resources {
				for _, n := range names {
					rules = append(rules, rbacv1.PolicyRule{Verbs: v, APIGroups: g, Resources: r, ResourceNames: n})
				}
			}
		}
	}
	checked, granted := 0, 0
	for _, rule := range rules {
		for _, verb := range []string{"get", "create", "delete"} {
			for _, group := range []string{"", "apps", "batch"} {
				for _, res := range []struct{ resource, sub string }{{"pods", ""}, {"pods", "exec"}, {"secrets", ""}, {"deployments", ""}} {
					for _, name := range []string{"", "a", "b"} {
						req := Request{Verb: verb, Group: group, Resource: res.resource, Subresource: res.sub, Name: name}
						resource := res.resource
						if res.sub != "" {
							resource += "/" + res.sub
						}
						atom := rbacv1.PolicyRule{Verbs: []string{verb}, APIGroups: []string{group}, Resources: []string{resource}}
						if name != "" {
							atom.ResourceNames = []string{name}
						}
						want, _ := validation.Covers([]rbacv1.PolicyRule{rule}, []rbacv1.PolicyRule{atom})
						if got := RulesAllow([]rbacv1.PolicyRule{rule}, req); got != want {
							t.Errorf("rule %+v, request %+v: RulesAllow %v, Covers %v", rule, req, got, want)
						}
						checked++
						if want {
							granted++
						}
					}
				}
			}
		}
	}
	if granted == 0 || granted == checked {
		t.Fatalf("%d of %d requests granted: the vocabulary does not exercise both answers", granted, checked)
	}
}

// TestServiceAccountIdentities: a service account's token is authorized with every binding to
// it, its namespace's service accounts, all service accounts and all authenticated identities;
// what was granted to the account is the first two only.
func TestServiceAccountIdentities(t *testing.T) {
	cm := []rbacv1.PolicyRule{rule(s("get"), s(""), s("configmaps"))}
	crbs := []rbacv1.ClusterRoleBinding{
		{ObjectMeta: meta("to-authenticated", nil), RoleRef: rbacv1.RoleRef{Kind: "ClusterRole", Name: "cm"}, Subjects: []rbacv1.Subject{{Kind: "Group", Name: Authenticated}}},
		{ObjectMeta: meta("to-all-sas", nil), RoleRef: rbacv1.RoleRef{Kind: "ClusterRole", Name: "cm"}, Subjects: []rbacv1.Subject{{Kind: "Group", Name: AllServiceAccounts}}},
		{ObjectMeta: meta("to-shop-sas", nil), RoleRef: rbacv1.RoleRef{Kind: "ClusterRole", Name: "cm"}, Subjects: []rbacv1.Subject{{Kind: "Group", Name: "system:serviceaccounts:shop"}}},
		{ObjectMeta: meta("to-the-account", nil), RoleRef: rbacv1.RoleRef{Kind: "ClusterRole", Name: "cm"}, Subjects: []rbacv1.Subject{{Kind: "ServiceAccount", Namespace: "shop", Name: "web"}}},
		{ObjectMeta: meta("to-its-user-name", nil), RoleRef: rbacv1.RoleRef{Kind: "ClusterRole", Name: "cm"}, Subjects: []rbacv1.Subject{{Kind: "User", Name: "system:serviceaccount:shop:web"}}},
		// A ClusterRoleBinding's ServiceAccount subject without a namespace names no one.
		{ObjectMeta: meta("no-namespace", nil), RoleRef: rbacv1.RoleRef{Kind: "ClusterRole", Name: "cm"}, Subjects: []rbacv1.Subject{{Kind: "ServiceAccount", Name: "web"}}},
		{ObjectMeta: meta("to-other-ns-sas", nil), RoleRef: rbacv1.RoleRef{Kind: "ClusterRole", Name: "cm"}, Subjects: []rbacv1.Subject{{Kind: "Group", Name: "system:serviceaccounts:legacy"}}},
	}
	e := New(nil, []rbacv1.ClusterRole{{ObjectMeta: meta("cm", nil), Rules: cm}}, nil, crbs)
	names := func(u User) []string {
		var out []string
		for _, b := range e.BindingsFor(u) {
			out = append(out, b.Name)
		}
		sort.Strings(out)
		return out
	}
	if got, want := names(ServiceAccountUser("shop", "web")), s("to-all-sas", "to-authenticated", "to-its-user-name", "to-shop-sas", "to-the-account"); !slices.Equal(got, want) {
		t.Errorf("the token's bindings: %v, want %v", got, want)
	}
	if got, want := names(ServiceAccountGrantee("shop", "web")), s("to-its-user-name", "to-shop-sas", "to-the-account"); !slices.Equal(got, want) {
		t.Errorf("the account's own bindings: %v, want %v", got, want)
	}
}
