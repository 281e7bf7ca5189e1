package rbac

import (
	"strings"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func s(v ...string) []string { return v }

func rule(verbs, groups, resources []string, names ...string) rbacv1.PolicyRule {
	return rbacv1.PolicyRule{Verbs: verbs, APIGroups: groups, Resources: resources, ResourceNames: names}
}

var (
	subjUser = rbacv1.Subject{Kind: "User", Name: "alice"}
	subjAuth = rbacv1.Subject{Kind: "Group", Name: "system:authenticated"}
)

// rbacSnap returns a snapshot whose RBAC resources were all collected.
func rbacSnap() *snapshot.Snapshot {
	snap := snapshot.New()
	for _, r := range inputs {
		snap.Resources[r] = snapshot.Collection{State: snapshot.Collected}
	}
	snap.Resources[snapshot.ResServiceAccounts] = snapshot.Collection{State: snapshot.Collected}
	snap.Resources[snapshot.ResPods] = snapshot.Collection{State: snapshot.Collected}
	return snap
}

// bind adds a ClusterRole "r" with rules and a binding of kind (RoleBinding in namespace
// "team", or ClusterRoleBinding) of it to subject.
func bind(snap *snapshot.Snapshot, name string, rules []rbacv1.PolicyRule, kind string, subject rbacv1.Subject, labels map[string]string) {
	snap.ClusterRoles = append(snap.ClusterRoles, rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}, Rules: rules})
	ref := rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: name}
	if kind == "RoleBinding" {
		snap.RoleBindings = append(snap.RoleBindings, rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Namespace: "team", Name: name, Labels: labels}, RoleRef: ref, Subjects: []rbacv1.Subject{subject}})
		return
	}
	snap.ClusterRoleBindings = append(snap.ClusterRoleBindings, rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}, RoleRef: ref, Subjects: []rbacv1.Subject{subject}})
}

type grantCase struct {
	name    string
	rules   []rbacv1.PolicyRule
	kind    string
	subject rbacv1.Subject
	want    checks.Status
}

var bootstrap = map[string]string{"kubernetes.io/bootstrapping": "rbac-defaults"}

// runGrantCases judges each case alone; then the same grant made by a bootstrap binding, which
// must not be reported; then through the engine with an input forbidden.
func runGrantCases(t *testing.T, id, cis string, eval func(*snapshot.Snapshot) []checks.Result, cases []grantCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			snap := rbacSnap()
			bind(snap, "r", tc.rules, tc.kind, tc.subject, nil)
			rs := eval(snap)
			if len(rs) != 1 || rs[0].Status != tc.want {
				t.Fatalf("got %+v, want one %s", rs, tc.want)
			}
			r := rs[0]
			if tc.want == checks.Pass {
				if r.Resource.Kind != "Cluster" {
					t.Errorf("PASS on %v, want Cluster", r.Resource)
				}
				return
			}
			if r.Resource.Kind != tc.kind || r.Resource.Name != "r" {
				t.Errorf("resource %v, want the %s r", r.Resource, tc.kind)
			}
			if !strings.Contains(r.Evidence.Observed, tc.subject.Name) || !strings.Contains(r.Evidence.Where, "ClusterRole/r") {
				t.Errorf("evidence %+v does not name the subject and role", r.Evidence)
			}
			// Kubernetes' own binding granting the same is not reported.
			snap = rbacSnap()
			bind(snap, "system:r", tc.rules, tc.kind, tc.subject, bootstrap)
			if rs := eval(snap); len(rs) != 1 || rs[0].Status != checks.Pass {
				t.Errorf("bootstrap binding: got %+v, want PASS", rs)
			}
		})
	}
	t.Run("registered", func(t *testing.T) {
		var c *checks.Check
		for _, r := range checks.Registered() {
			if r.ID == id {
				c = &r
			}
		}
		if c == nil {
			t.Fatalf("%s not registered", id)
		}
		if cis != "" && (len(c.References.CIS) != 1 || c.References.CIS[0] != cis) {
			t.Errorf("CIS %v, want %s", c.References.CIS, cis)
		}
		snap := rbacSnap()
		snap.Resources[snapshot.ResClusterRoleBindings] = snapshot.Collection{State: snapshot.Forbidden, Message: "forbidden"}
		rep := checks.Run(snap, []checks.Check{*c}, checks.Selection{})
		if rep.Controls[0].Status != checks.NotEvaluated {
			t.Errorf("with clusterrolebindings forbidden: %s, want NOT_EVALUATED", rep.Controls[0].Status)
		}
	})
}
