package rbac

import (
	"fmt"
	"testing"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/internal/authz"
	"github.com/kubeposture/kubeposture/internal/synth"
	"github.com/kubeposture/kubeposture/snapshot"
)

// benchRBAC adds RBAC to a synthetic snapshot of n pods (internal/synth: 50 pods per
// namespace): per namespace a default and an app service account, a Role and a RoleBinding
// of the app account to it, a RoleBinding of a team group to the aggregated "edit"; and
// cluster-wide 20 aggregated-into ClusterRoles, a few ClusterRoleBindings, one of which makes
// one namespace's account read every secret (so that escalation chains are found).
func benchRBAC(n int) *snapshot.Snapshot {
	s := synth.Snapshot(n)
	agg := map[string]string{"rbac.authorization.k8s.io/aggregate-to-edit": "true"}
	s.ClusterRoles = append(s.ClusterRoles, rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: "edit"},
		AggregationRule: &rbacv1.AggregationRule{ClusterRoleSelectors: []metav1.LabelSelector{{MatchLabels: agg}}}})
	for i := 0; i < 20; i++ {
		s.ClusterRoles = append(s.ClusterRoles, rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("edit-part-%02d", i), Labels: agg},
			Rules: []rbacv1.PolicyRule{rule(s_("get", "list", "watch", "create", "update", "patch", "delete"), s_(fmt.Sprintf("group%02d.example.com", i)), s_("things", "widgets", "widgets/status"))}})
	}
	s.ClusterRoles = append(s.ClusterRoles,
		rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: "pods-and-exec"}, Rules: []rbacv1.PolicyRule{
			rule(s_("create", "delete", "get", "list"), s_(""), s_("pods", "pods/exec", "pods/log"))}},
		rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: "secret-reader"}, Rules: []rbacv1.PolicyRule{rule(s_("get", "list"), s_(""), s_("secrets"))}})
	for i := range s.Namespaces {
		ns := s.Namespaces[i].Name
		s.ServiceAccounts = append(s.ServiceAccounts,
			corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "default"}},
			corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "app"}})
		s.Roles = append(s.Roles, rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "app"},
			Rules: []rbacv1.PolicyRule{rule(s_("get", "list", "watch"), s_(""), s_("configmaps", "endpoints")), rule(s_("get"), s_(""), s_("secrets"), "app-tls")}})
		s.RoleBindings = append(s.RoleBindings,
			rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "app"}, RoleRef: rbacv1.RoleRef{Kind: "Role", Name: "app"},
				Subjects: []rbacv1.Subject{{Kind: "ServiceAccount", Name: "app"}}},
			rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "team-edit"}, RoleRef: rbacv1.RoleRef{Kind: "ClusterRole", Name: "edit"},
				Subjects: []rbacv1.Subject{{Kind: "Group", Name: "team-" + ns}}},
			rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "team-pods"}, RoleRef: rbacv1.RoleRef{Kind: "ClusterRole", Name: "pods-and-exec"},
				Subjects: []rbacv1.Subject{{Kind: "Group", Name: "team-" + ns}}})
	}
	s.ClusterRoleBindings = append(s.ClusterRoleBindings,
		rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "ops-secrets"}, RoleRef: rbacv1.RoleRef{Kind: "ClusterRole", Name: "secret-reader"},
			Subjects: []rbacv1.Subject{{Kind: "ServiceAccount", Namespace: s.Namespaces[0].Name, Name: "app"}}},
		rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "sre"}, RoleRef: rbacv1.RoleRef{Kind: "ClusterRole", Name: "pods-and-exec"},
			Subjects: []rbacv1.Subject{{Kind: "Group", Name: "sre"}}})
	for _, r := range append(inputs, snapshot.ResServiceAccounts, snapshot.ResSecrets) {
		s.Resources[r] = snapshot.Collection{State: snapshot.Collected}
	}
	return s
}

func s_(v ...string) []string { return v }

// BenchmarkRBAC runs every RBAC control over the synthetic cluster.
//
//	go test -run '^$' -bench RBAC -benchmem ./checks/rbac
func BenchmarkRBAC(b *testing.B) {
	var selected []checks.Check
	for _, c := range checks.Registered() {
		if len(c.ID) > 8 && c.ID[:8] == "KP-RBAC-" {
			selected = append(selected, c)
		}
	}
	for _, n := range []int{10000, 100000} {
		snap := benchRBAC(n)
		b.Run(fmt.Sprintf("pods=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				rep := checks.Run(snap, selected, checks.Selection{})
				if len(rep.Controls) != len(selected) {
					b.Fatal("controls missing")
				}
			}
		})
	}
}

// BenchmarkEvaluatorCan measures one authorization question against the evaluator built
// from the synthetic RBAC.
func BenchmarkEvaluatorCan(b *testing.B) {
	for _, n := range []int{10000, 100000} {
		snap := benchRBAC(n)
		b.Run(fmt.Sprintf("pods=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			e := evaluator(snap)
			u := userOf(e.Bindings[0], rbacv1.Subject{Kind: "Group", Name: "team-" + snap.Namespaces[0].Name})
			for b.Loop() {
				e.Can(u, rbacReq("create", "pods", snap.Namespaces[0].Name))
			}
		})
	}
}

func rbacReq(verb, resource, ns string) authz.Request {
	return authz.Request{Verb: verb, Resource: resource, Namespace: ns}
}
