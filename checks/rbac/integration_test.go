package rbac

import (
	"context"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	authenticationv1 "k8s.io/api/authentication/v1"
	authorizationv1 "k8s.io/api/authorization/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/internal/authz"
)

// TestServiceAccountGrantsOnAPIServer: on a real API server with Kubernetes' bootstrap
// bindings, what a service account's token can do (the API server's answer, which
// authz.ServiceAccountUser must reproduce) is kept apart from what was granted to the account
// (CIS 5.1.5 and 5.1.6): a grant to every authenticated identity or every service account
// reaches every token, is reported once by KP-RBAC-014 or KP-RBAC-017, and neither fails the
// default accounts nor makes a token needed; a grant to one namespace's service accounts is
// those accounts' own.
func TestServiceAccountGrantsOnAPIServer(t *testing.T) {
	cs := clusterClient(t)
	ctx := context.Background()
	createNamespaces(t, cs, "sa-team", "sa-other")
	createServiceAccount(t, cs, "sa-team", "app", nil) // nothing granted to it
	createServiceAccount(t, cs, "sa-team", "api", nil) // reads the team's config maps
	readConfigMaps := []rbacv1.PolicyRule{{Verbs: []string{"get", "list"}, APIGroups: []string{""}, Resources: []string{"configmaps"}}}
	teamConfigMaps := authz.Request{Verb: "get", Resource: "configmaps", Namespace: "sa-team"}
	grant(t, cs, "sa-team", "sa-team-api", readConfigMaps, rbacv1.Subject{Kind: "ServiceAccount", Name: "api"}, authz.ServiceAccountUser("sa-team", "api"), teamConfigMaps)
	for _, p := range [][2]string{{"web", "app"}, {"client", "api"}} {
		_, err := cs.CoreV1().Pods("sa-team").Create(ctx, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: p[0]},
			Spec: corev1.PodSpec{ServiceAccountName: p[1], Containers: []corev1.Container{{Name: "c", Image: "registry.example/app:1"}}}}, metav1.CreateOptions{})
		must(t, "create pod "+p[0], err)
	}
	mine := func(id string, r checks.Resource) bool {
		return r.Namespace == "sa-team" || r.Namespace == "sa-other" || id == "KP-RBAC-014" || id == "KP-RBAC-017"
	}

	// Kubernetes' bootstrap bindings only: the default accounts mount a token and were given
	// nothing; web's token is not needed, client's is.
	snap := collectCluster(t)
	e := evaluator(snap)
	for _, name := range []string{"system:discovery", "system:basic-user", "system:public-info-viewer", "system:service-account-issuer-discovery"} {
		if !slices.ContainsFunc(e.Bindings, func(b *authz.Binding) bool { return b.Kind == "ClusterRoleBinding" && b.Name == name && b.Default }) {
			t.Errorf("bootstrap binding %s not in the snapshot", name)
		}
	}
	diffVerdicts(t, rbacVerdicts(snap, mine), map[string]checks.Status{
		"KP-RBAC-005 ServiceAccount/sa-team/default":  checks.Warn,
		"KP-RBAC-005 ServiceAccount/sa-other/default": checks.Warn,
		"KP-RBAC-006 Pod/sa-team/web":                 checks.Warn,
		"KP-RBAC-014 Cluster":                         checks.Pass,
		"KP-RBAC-017 Cluster":                         checks.Pass,
	})

	// A grant to every authenticated identity and one to every service account.
	anyone := authz.User{Name: "someone", Groups: []string{authz.Authenticated}}
	anySA := authz.ServiceAccountUser("elsewhere", "any")
	allConfigMaps := authz.Request{Verb: "list", Resource: "configmaps"}
	allPods := authz.Request{Verb: "list", Resource: "pods"}
	grant(t, cs, "", "everyone-reads-configmaps", readConfigMaps, rbacv1.Subject{Kind: "Group", APIGroup: rbacv1.GroupName, Name: authz.Authenticated}, anyone, allConfigMaps)
	grant(t, cs, "", "every-sa-lists-pods", []rbacv1.PolicyRule{{Verbs: []string{"list"}, APIGroups: []string{""}, Resources: []string{"pods"}}},
		rbacv1.Subject{Kind: "Group", APIGroup: rbacv1.GroupName, Name: authz.AllServiceAccounts}, anySA, allPods)
	t.Cleanup(func() {
		for _, name := range []string{"everyone-reads-configmaps", "every-sa-lists-pods"} {
			if err := cs.RbacV1().ClusterRoleBindings().Delete(context.Background(), name, metav1.DeleteOptions{}); err != nil {
				t.Errorf("delete %s: %v", name, err)
			}
		}
	})

	// The token of sa-team/app, used for real: the authenticator's identity is
	// ServiceAccountUser's, and the token can read every config map and list every pod, as
	// the evaluator says.
	snap = collectCluster(t)
	e = evaluator(snap)
	app := tokenClient(t, cs, "sa-team", "app")
	review, err := app.AuthenticationV1().SelfSubjectReviews().Create(ctx, &authenticationv1.SelfSubjectReview{}, metav1.CreateOptions{})
	must(t, "self subject review with the token of sa-team/app", err)
	want := authz.ServiceAccountUser("sa-team", "app")
	got := review.Status.UserInfo
	if gotGroups, wantGroups := slices.Sorted(slices.Values(got.Groups)), slices.Sorted(slices.Values(want.Groups)); got.Username != want.Name || !slices.Equal(gotGroups, wantGroups) {
		t.Errorf("the API server authenticates the token as %s %v, ServiceAccountUser says %s %v", got.Username, got.Groups, want.Name, want.Groups)
	}
	for _, r := range []authz.Request{allConfigMaps, allPods, teamConfigMaps, {Verb: "list", Resource: "secrets"}} {
		ssar, err := app.AuthorizationV1().SelfSubjectAccessReviews().Create(ctx, &authorizationv1.SelfSubjectAccessReview{Spec: authorizationv1.SelfSubjectAccessReviewSpec{
			ResourceAttributes: &authorizationv1.ResourceAttributes{Verb: r.Verb, Resource: r.Resource, Namespace: r.Namespace}}}, metav1.CreateOptions{})
		must(t, "self subject access review", err)
		if can, _ := e.Can(want, r); can != ssar.Status.Allowed {
			t.Errorf("the token of sa-team/app may %s: API server %v, evaluator %v", r, ssar.Status.Allowed, can)
		}
	}
	if own := accountGrants(e, "sa-team", "app"); len(own) != 0 {
		t.Errorf("granted to sa-team/app itself: %v, want nothing", own)
	}
	// The grants are reported once, each on its binding; the accounts keep their verdicts.
	diffVerdicts(t, rbacVerdicts(snap, mine), map[string]checks.Status{
		"KP-RBAC-005 ServiceAccount/sa-team/default":               checks.Warn,
		"KP-RBAC-005 ServiceAccount/sa-other/default":              checks.Warn,
		"KP-RBAC-006 Pod/sa-team/web":                              checks.Warn,
		"KP-RBAC-014 ClusterRoleBinding/everyone-reads-configmaps": checks.Fail,
		"KP-RBAC-017 ClusterRoleBinding/every-sa-lists-pods":       checks.Fail,
	})

	// A grant to the service accounts of sa-team names that namespace: its default account is
	// used, and web's token is needed.
	grant(t, cs, "sa-team", "sa-team-accounts", readConfigMaps, rbacv1.Subject{Kind: "Group", APIGroup: rbacv1.GroupName, Name: "system:serviceaccounts:sa-team"},
		authz.ServiceAccountUser("sa-team", "default"), teamConfigMaps)
	diffVerdicts(t, rbacVerdicts(collectCluster(t), mine), map[string]checks.Status{
		"KP-RBAC-005 ServiceAccount/sa-team/default":               checks.Fail,
		"KP-RBAC-005 ServiceAccount/sa-other/default":              checks.Warn,
		"KP-RBAC-014 ClusterRoleBinding/everyone-reads-configmaps": checks.Fail,
		"KP-RBAC-017 ClusterRoleBinding/every-sa-lists-pods":       checks.Fail,
	})
}

// tokenClient is a client that authenticates with a token of service account ns/name, issued
// by the API server (TokenRequest).
func tokenClient(t *testing.T, cs kubernetes.Interface, ns, name string) *kubernetes.Clientset {
	t.Helper()
	tr, err := cs.CoreV1().ServiceAccounts(ns).CreateToken(context.Background(), name,
		&authenticationv1.TokenRequest{Spec: authenticationv1.TokenRequestSpec{ExpirationSeconds: ptr.To(int64(600))}}, metav1.CreateOptions{})
	must(t, "request a token of "+ns+"/"+name, err)
	cfg := rest.AnonymousClientConfig(cluster.Get(t).Admin)
	cfg.BearerToken = tr.Status.Token
	c, err := kubernetes.NewForConfig(cfg)
	must(t, "client", err)
	return c
}

// TestTemplatesOnAPIServer: workloads whose pods are not running (a CronJob between runs, a
// Deployment scaled to zero or just applied, none of whose pods the test cluster's absent
// controllers create) are judged by their templates, as the pods they will create: the
// ServiceAccount admission plugin of the real API server, asked through a dry-run pod made
// from each template, mounts a token exactly where tokenMounted says.
func TestTemplatesOnAPIServer(t *testing.T) {
	cs := clusterClient(t)
	ctx := context.Background()
	createNamespaces(t, cs, "tpl-batch", "tpl-ops")
	createServiceAccount(t, cs, "tpl-batch", "quiet", ptr.To(false))
	createServiceAccount(t, cs, "tpl-batch", "api", nil)
	createServiceAccount(t, cs, "tpl-ops", "reader", nil)
	grant(t, cs, "tpl-batch", "tpl-batch-api", []rbacv1.PolicyRule{{Verbs: []string{"get"}, APIGroups: []string{""}, Resources: []string{"configmaps"}}},
		rbacv1.Subject{Kind: "ServiceAccount", Name: "api"}, authz.ServiceAccountUser("tpl-batch", "api"), authz.Request{Verb: "get", Resource: "configmaps", Namespace: "tpl-batch"})
	grant(t, cs, "", "tpl-reader-secrets", []rbacv1.PolicyRule{{Verbs: []string{"list"}, APIGroups: []string{""}, Resources: []string{"secrets"}}},
		rbacv1.Subject{Kind: "ServiceAccount", Name: "reader", Namespace: "tpl-ops"}, authz.ServiceAccountUser("tpl-ops", "reader"), authz.Request{Verb: "list", Resource: "secrets"})
	// tpl-dev may exec into pods in tpl-ops, and create none.
	grant(t, cs, "tpl-ops", "tpl-dev-exec", []rbacv1.PolicyRule{{Verbs: []string{"create"}, APIGroups: []string{""}, Resources: []string{"pods/exec"}}},
		rbacv1.Subject{Kind: "User", APIGroup: rbacv1.GroupName, Name: "tpl-dev"}, authz.User{Name: "tpl-dev", Groups: []string{authz.Authenticated}},
		authz.Request{Verb: "create", Resource: "pods", Subresource: "exec", Namespace: "tpl-ops"})

	spec := func(sa string) corev1.PodSpec {
		return corev1.PodSpec{ServiceAccountName: sa, RestartPolicy: corev1.RestartPolicyOnFailure,
			Containers: []corev1.Container{{Name: "c", Image: "registry.example/app:1"}}}
	}
	templates := map[string]corev1.PodTemplateSpec{} // "namespace/workload" → its template
	deployment := func(ns, name, sa string) {
		tmpl := corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": name}}, Spec: spec(sa)}
		tmpl.Spec.RestartPolicy = corev1.RestartPolicyAlways
		_, err := cs.AppsV1().Deployments(ns).Create(ctx, &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: name},
			Spec: appsv1.DeploymentSpec{Replicas: ptr.To(int32(0)), Selector: &metav1.LabelSelector{MatchLabels: tmpl.Labels}, Template: tmpl}}, metav1.CreateOptions{})
		must(t, "create deployment "+ns+"/"+name, err)
		templates[ns+"/"+name] = tmpl
	}
	deployment("tpl-batch", "web", "")         // just applied, as default: its token is not needed
	deployment("tpl-batch", "idle", "api")     // scaled to zero: api's token is needed
	deployment("tpl-batch", "quiet", "quiet")  // the account turns automounting off
	deployment("tpl-ops", "sweeper", "reader") // scaled to zero, as the account that reads every secret
	report := corev1.PodTemplateSpec{Spec: spec("")}
	_, err := cs.BatchV1().CronJobs("tpl-batch").Create(ctx, &batchv1.CronJob{ObjectMeta: metav1.ObjectMeta{Name: "report"},
		Spec: batchv1.CronJobSpec{Schedule: "0 2 * * *", JobTemplate: batchv1.JobTemplateSpec{Spec: batchv1.JobSpec{Template: report}}}}, metav1.CreateOptions{})
	must(t, "create cronjob tpl-batch/report", err)
	templates["tpl-batch/report"] = report

	snap := collectCluster(t)
	sas := serviceAccounts(snap)
	for key, tmpl := range templates {
		ns := key[:strings.Index(key, "/")]
		admitted, err := cs.CoreV1().Pods(ns).Create(ctx, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{GenerateName: "probe-"}, Spec: tmpl.Spec},
			metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
		must(t, "dry-run a pod of "+key, err)
		want := slices.ContainsFunc(admitted.Spec.Volumes, func(v corev1.Volume) bool {
			return v.Projected != nil && slices.ContainsFunc(v.Projected.Sources, func(p corev1.VolumeProjection) bool { return p.ServiceAccountToken != nil })
		})
		if got := tokenMounted(&tmpl.Spec, sas[account{ns, serviceAccountName(&tmpl.Spec)}]); got != want {
			t.Errorf("%s: the template mounts a token: %v; the admitted pod: %v", key, got, want)
		}
	}
	mine := func(id string, r checks.Resource) bool {
		return r.Namespace == "tpl-batch" || r.Namespace == "tpl-ops" || (id == "KP-RBAC-015" && r.Name == "tpl-dev")
	}
	diffVerdicts(t, rbacVerdicts(snap, mine), map[string]checks.Status{
		"KP-RBAC-005 ServiceAccount/tpl-batch/default": checks.Warn,
		"KP-RBAC-005 ServiceAccount/tpl-ops/default":   checks.Warn,
		"KP-RBAC-006 Deployment/tpl-batch/web":         checks.Warn,
		"KP-RBAC-006 CronJob/tpl-batch/report":         checks.Warn,
		"KP-RBAC-016 Deployment/tpl-ops/sweeper":       checks.Fail,
		"KP-RBAC-015 User/tpl-dev":                     checks.Fail,
	})
}
