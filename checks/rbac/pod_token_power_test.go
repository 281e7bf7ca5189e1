package rbac

import (
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
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

// TestPodTokenPowerTemplates: a workload is judged by its template, as the pods it will
// create, and by its pods: one result per top-level workload.
func TestPodTokenPowerTemplates(t *testing.T) {
	snap := rbacSnap()
	snap.ServiceAccounts = []corev1.ServiceAccount{{ObjectMeta: metav1.ObjectMeta{Namespace: "team", Name: "app"}}}
	bind(snap, "r", []rbacv1.PolicyRule{rule(s("list"), s(""), s("secrets"))}, "ClusterRoleBinding", rbacv1.Subject{Kind: "ServiceAccount", Name: "app", Namespace: "team"}, nil)
	tmpl := func(automount *bool) corev1.PodTemplateSpec {
		return corev1.PodTemplateSpec{Spec: corev1.PodSpec{ServiceAccountName: "app", AutomountServiceAccountToken: automount}}
	}
	snap.Deployments = []appsv1.Deployment{
		{ObjectMeta: metav1.ObjectMeta{Namespace: "team", Name: "idle", UID: "d1"}, Spec: appsv1.DeploymentSpec{Replicas: ptr.To(int32(0)), Template: tmpl(nil)}},
		{ObjectMeta: metav1.ObjectMeta{Namespace: "team", Name: "off", UID: "d2"}, Spec: appsv1.DeploymentSpec{Replicas: ptr.To(int32(0)), Template: tmpl(ptr.To(false))}},
		{ObjectMeta: metav1.ObjectMeta{Namespace: "team", Name: "web", UID: "d3"}, Spec: appsv1.DeploymentSpec{Template: tmpl(nil)}},
	}
	snap.ReplicaSets = []appsv1.ReplicaSet{{ObjectMeta: metav1.ObjectMeta{Namespace: "team", Name: "web-1", UID: "rs",
		OwnerReferences: []metav1.OwnerReference{{Kind: "Deployment", Name: "web", UID: "d3", Controller: ptr.To(true)}}}}}
	for _, name := range []string{"web-1-a", "web-1-b"} {
		snap.Pods = append(snap.Pods, corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "team", Name: name,
			OwnerReferences: []metav1.OwnerReference{{Kind: "ReplicaSet", Name: "web-1", UID: "rs", Controller: ptr.To(true)}}},
			Spec: corev1.PodSpec{ServiceAccountName: "app"}})
	}
	snap.CronJobs = []batchv1.CronJob{{ObjectMeta: metav1.ObjectMeta{Namespace: "team", Name: "report", UID: "cj"},
		Spec: batchv1.CronJobSpec{JobTemplate: batchv1.JobTemplateSpec{Spec: batchv1.JobSpec{Template: tmpl(nil)}}}}}
	got := map[string]checks.Result{}
	for _, r := range podTokenPower(snap) {
		got[r.Resource.String()] = r
	}
	grant := " -> token of ServiceAccount team/app -> can list secrets cluster-wide (ClusterRoleBinding/r -> ClusterRole/r)"
	for res, observed := range map[string]string{
		"Deployment/team/idle": "Deployment team/idle (template)" + grant,
		"Deployment/team/web":  "Deployment team/web (template and 2 of 2 pods)" + grant,
		"CronJob/team/report":  "CronJob team/report (template)" + grant,
	} {
		if r := got[res]; r.Status != checks.Fail || r.Evidence.Observed != observed {
			t.Errorf("%s: got %+v, want a FAIL observing %q", res, r, observed)
		}
	}
	if len(got) != 3 {
		t.Errorf("got %d results, want 3 (Deployment off mounts no token): %v", len(got), got)
	}
	if w := got["CronJob/team/report"].Evidence.Where; w != "CronJob/team/report spec.jobTemplate.spec.template.spec token of ServiceAccount/team/app" {
		t.Errorf("where %q", w)
	}
}
