package rbac

import (
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"

	"github.com/kubeposture/kubeposture/checks"
)

func TestTokenMounting(t *testing.T) {
	projected := corev1.Volume{Name: "kube-api-access", VolumeSource: corev1.VolumeSource{Projected: &corev1.ProjectedVolumeSource{
		Sources: []corev1.VolumeProjection{{ServiceAccountToken: &corev1.ServiceAccountTokenProjection{Path: "token"}}}}}}
	for _, tc := range []struct {
		name     string
		podMount *bool
		saMount  *bool
		volumes  []corev1.Volume
		bound    *rbacv1.Subject
		labels   map[string]string
		want     checks.Status
	}{
		{"unset everywhere: mounted, not needed", nil, nil, nil, nil, nil, checks.Warn},
		{"pod false", ptr.To(false), nil, nil, nil, nil, checks.Pass},
		{"sa false", nil, ptr.To(false), nil, nil, nil, checks.Pass},
		{"pod true wins over sa false", ptr.To(true), ptr.To(false), nil, nil, nil, checks.Warn},
		{"pod false wins over sa true", ptr.To(false), ptr.To(true), nil, nil, nil, checks.Pass},
		{"projected token volume counts", ptr.To(false), nil, []corev1.Volume{projected}, nil, nil, checks.Warn},
		{"needed: the account is bound", nil, nil, nil, &rbacv1.Subject{Kind: "ServiceAccount", Name: "app"}, nil, checks.Pass},
		{"needed: its namespace's service accounts are bound", nil, nil, nil, &rbacv1.Subject{Kind: "Group", Name: "system:serviceaccounts:team"}, nil, checks.Pass},
		// Kubernetes' own grant to an account (system:kube-dns to kube-system/kube-dns) is a
		// right of its own: the token is needed.
		{"needed: a bootstrap binding names the account", nil, nil, nil, &rbacv1.Subject{Kind: "ServiceAccount", Name: "app"}, bootstrap, checks.Pass},
		// What every identity may do is no reason to hold a token.
		{"granted to every authenticated identity only", nil, nil, nil, &subjAuth, nil, checks.Warn},
		{"granted to every service account only", nil, nil, nil, &rbacv1.Subject{Kind: "Group", Name: "system:serviceaccounts"}, nil, checks.Warn},
	} {
		t.Run(tc.name, func(t *testing.T) {
			snap := rbacSnap()
			snap.ServiceAccounts = []corev1.ServiceAccount{{ObjectMeta: metav1.ObjectMeta{Namespace: "team", Name: "app"}, AutomountServiceAccountToken: tc.saMount}}
			snap.Pods = []corev1.Pod{{ObjectMeta: metav1.ObjectMeta{Namespace: "team", Name: "p"},
				Spec: corev1.PodSpec{ServiceAccountName: "app", AutomountServiceAccountToken: tc.podMount, Volumes: tc.volumes}}}
			if tc.bound != nil {
				name := "r"
				if tc.labels != nil {
					name = "system:r"
				}
				bind(snap, name, []rbacv1.PolicyRule{rule(s("get"), s(""), s("configmaps"))}, "RoleBinding", *tc.bound, tc.labels)
			}
			rs := tokenMounting(snap)
			if len(rs) != 1 || rs[0].Status != tc.want {
				t.Fatalf("got %+v, want one %s", rs, tc.want)
			}
			if tc.want == checks.Warn && rs[0].Resource != (checks.Resource{Kind: "Pod", Namespace: "team", Name: "p"}) {
				t.Errorf("resource %v", rs[0].Resource)
			}
		})
	}
}

// TestTokenMountingPerWorkload: pods are folded into their top-level workload (package
// internal/owners), so a Deployment's template and replicas are one WARN saying which mount
// the token.
func TestTokenMountingPerWorkload(t *testing.T) {
	snap := rbacSnap()
	snap.ServiceAccounts = []corev1.ServiceAccount{{ObjectMeta: metav1.ObjectMeta{Namespace: "team", Name: "app"}}}
	snap.Deployments = []appsv1.Deployment{{ObjectMeta: metav1.ObjectMeta{Namespace: "team", Name: "web", UID: "d"},
		Spec: appsv1.DeploymentSpec{Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{ServiceAccountName: "app"}}}}}
	snap.ReplicaSets = []appsv1.ReplicaSet{{ObjectMeta: metav1.ObjectMeta{Namespace: "team", Name: "web-1", UID: "rs",
		OwnerReferences: []metav1.OwnerReference{{Kind: "Deployment", Name: "web", UID: "d", Controller: ptr.To(true)}}}}}
	podOf := func(name string, automount *bool) corev1.Pod {
		return corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "team", Name: name,
			OwnerReferences: []metav1.OwnerReference{{Kind: "ReplicaSet", Name: "web-1", UID: "rs", Controller: ptr.To(true)}}},
			Spec: corev1.PodSpec{ServiceAccountName: "app", AutomountServiceAccountToken: automount}}
	}
	snap.Pods = []corev1.Pod{podOf("web-1-a", nil), podOf("web-1-b", nil), podOf("web-1-c", ptr.To(false)),
		{ObjectMeta: metav1.ObjectMeta{Namespace: "team", Name: "bare"}, Spec: corev1.PodSpec{ServiceAccountName: "app"}}}
	rs := tokenMounting(snap)
	if len(rs) != 2 {
		t.Fatalf("got %d results, want 2 (the Deployment and the bare pod): %+v", len(rs), rs)
	}
	dep, bare := rs[0], rs[1]
	if dep.Resource != (checks.Resource{Kind: "Deployment", Namespace: "team", Name: "web"}) || dep.Status != checks.Warn {
		t.Errorf("first result %+v, want a WARN on Deployment/team/web", dep)
	}
	if want := "token of team/app mounted in template and 2 of 3 pods (web-1-a, web-1-b); the account has no binding of its own"; dep.Evidence.Observed != want {
		t.Errorf("observed %q, want %q", dep.Evidence.Observed, want)
	}
	if want := "Deployment/team/web spec.template.spec.automountServiceAccountToken, ServiceAccount/team/app"; dep.Evidence.Where != want {
		t.Errorf("where %q, want %q", dep.Evidence.Where, want)
	}
	if bare.Resource != (checks.Resource{Kind: "Pod", Namespace: "team", Name: "bare"}) ||
		bare.Evidence.Observed != "token of team/app mounted; the account has no binding of its own" {
		t.Errorf("second result %+v, want the bare pod as before", bare)
	}
}

// TestTokenMountingTemplates: a workload whose pods are not running (a CronJob between runs, a
// Deployment scaled to zero) is judged by its template, as the pods it will create: the
// ServiceAccount admission plugin mounts the token unless the template or the account it
// names (default when none) turns automounting off.
func TestTokenMountingTemplates(t *testing.T) {
	snap := rbacSnap()
	snap.ServiceAccounts = []corev1.ServiceAccount{
		{ObjectMeta: metav1.ObjectMeta{Namespace: "team", Name: "default"}},
		{ObjectMeta: metav1.ObjectMeta{Namespace: "team", Name: "app"}},
		{ObjectMeta: metav1.ObjectMeta{Namespace: "team", Name: "api"}},
		{ObjectMeta: metav1.ObjectMeta{Namespace: "team", Name: "quiet"}, AutomountServiceAccountToken: ptr.To(false)},
	}
	bind(snap, "r", []rbacv1.PolicyRule{rule(s("get"), s(""), s("configmaps"))}, "RoleBinding", rbacv1.Subject{Kind: "ServiceAccount", Name: "api"}, nil)
	spec := func(sa string, automount *bool) corev1.PodTemplateSpec {
		return corev1.PodTemplateSpec{Spec: corev1.PodSpec{ServiceAccountName: sa, AutomountServiceAccountToken: automount}}
	}
	deployment := func(name string, t corev1.PodTemplateSpec) appsv1.Deployment {
		return appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: "team", Name: name, UID: types.UID(name)},
			Spec: appsv1.DeploymentSpec{Replicas: ptr.To(int32(0)), Template: t}}
	}
	// The deprecated field alone (a manifest written for old clusters) names the account.
	legacy := spec("", nil)
	legacy.Spec.DeprecatedServiceAccount = "app"
	snap.Deployments = []appsv1.Deployment{
		deployment("idle", spec("app", nil)),              // WARN: app has no binding
		deployment("off", spec("app", ptr.To(false))),     // the template turns it off
		deployment("api", spec("api", nil)),               // api's token is needed
		deployment("quiet", spec("quiet", nil)),           // the account turns it off
		deployment("legacy", legacy),                      // WARN: app, through serviceAccount
		deployment("forced", spec("quiet", ptr.To(true))), // WARN: the template wins over the account
	}
	snap.CronJobs = []batchv1.CronJob{{ObjectMeta: metav1.ObjectMeta{Namespace: "team", Name: "report", UID: "cj"},
		Spec: batchv1.CronJobSpec{JobTemplate: batchv1.JobTemplateSpec{Spec: batchv1.JobSpec{Template: spec("", nil)}}}}}
	rs := tokenMounting(snap)
	got := map[string]checks.Result{}
	for _, r := range rs {
		got[r.Resource.String()] = r
	}
	want := map[string]string{
		"Deployment/team/idle":   "token of team/app mounted in template; the account has no binding of its own",
		"Deployment/team/legacy": "token of team/app mounted in template; the account has no binding of its own",
		"Deployment/team/forced": "token of team/quiet mounted in template; the account has no binding of its own",
		"CronJob/team/report":    "token of team/default mounted in template; the account has no binding of its own",
	}
	if len(got) != len(want) {
		t.Errorf("got %d results, want %d: %+v", len(got), len(want), rs)
	}
	for res, observed := range want {
		r, ok := got[res]
		if !ok || r.Status != checks.Warn || r.Evidence.Observed != observed {
			t.Errorf("%s: got %+v, want a WARN observing %q", res, r, observed)
		}
	}
	if w := got["CronJob/team/report"].Evidence.Where; w != "CronJob/team/report spec.jobTemplate.spec.template.spec.automountServiceAccountToken, ServiceAccount/team/default" {
		t.Errorf("CronJob where %q", w)
	}
}

// TestTokenMountingMirrorPods: a kubelet's static pod has no token (the ServiceAccount
// admission plugin refuses a mirror pod that names an account or a token volume, and the
// kubelet mounts none), whatever automounting says: it is never reported.
func TestTokenMountingMirrorPods(t *testing.T) {
	snap := rbacSnap()
	snap.ServiceAccounts = []corev1.ServiceAccount{{ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "default"}}}
	snap.Pods = []corev1.Pod{{ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "kube-apiserver-cp-1",
		Annotations: map[string]string{corev1.MirrorPodAnnotationKey: "abc", "kubernetes.io/config.source": "file"}}}}
	for _, r := range tokenMounting(snap) {
		if r.Status != checks.Pass {
			t.Errorf("a mirror pod was judged to mount a token: %+v", r)
		}
	}
}
