package rbac

import (
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/kubeposture/kubeposture/checks"
)

func TestSystemMasters(t *testing.T) {
	masters := rbacv1.Subject{Kind: "Group", Name: "system:masters"}
	for _, tc := range []struct {
		name    string
		subject rbacv1.Subject
		labels  map[string]string
		want    checks.Status
	}{
		{"bound", masters, nil, checks.Warn},
		{"a user named system:masters is not the group", rbacv1.Subject{Kind: "User", Name: "system:masters"}, nil, checks.Manual},
		{"bootstrap", masters, bootstrap, checks.Manual},
	} {
		snap := rbacSnap()
		name := "r"
		if tc.labels != nil {
			name = "cluster-admin"
		}
		bind(snap, name, []rbacv1.PolicyRule{rule(s("*"), s("*"), s("*"))}, "ClusterRoleBinding", tc.subject, tc.labels)
		rs := systemMasters(snap)
		if len(rs) != 1 || rs[0].Status != tc.want || (tc.want == checks.Manual && rs[0].Reason == "") {
			t.Errorf("%s: got %+v, want one %s", tc.name, rs, tc.want)
		}
	}
}
