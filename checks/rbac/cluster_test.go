package rbac

import (
	"context"
	"os"
	"sort"
	"testing"
	"time"

	authorizationv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/collect"
	"github.com/kubeposture/kubeposture/internal/authz"
	"github.com/kubeposture/kubeposture/internal/testcluster"
	"github.com/kubeposture/kubeposture/snapshot"
)

// The real-cluster tests of this package share one kube-apiserver and etcd, started on first
// use (the unit tests do not pay for it), with Kubernetes' bootstrap RBAC policy in place:
// system:discovery, system:basic-user and system:public-info-viewer to every authenticated
// identity, system:service-account-issuer-discovery and system:cluster-trust-bundle-discovery
// to every service account. Each test works in namespaces of its own.
var cluster testcluster.Lazy

func TestMain(m *testing.M) {
	code := m.Run()
	cluster.Stop()
	os.Exit(code)
}

// clusterClient returns an admin client of the package's cluster, starting it the first time.
func clusterClient(t *testing.T) *kubernetes.Clientset {
	t.Helper()
	cs, err := cluster.Get(t).Client()
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// must fails the test when the call that did what failed.
func must(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// createNamespaces creates namespaces with their "default" ServiceAccount, which the
// controller manager (not run here) would create, and which the ServiceAccount admission
// plugin needs before it admits a pod.
func createNamespaces(t *testing.T, cs kubernetes.Interface, names ...string) {
	t.Helper()
	ctx := context.Background()
	for _, ns := range names {
		_, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{})
		must(t, "create namespace "+ns, err)
		createServiceAccount(t, cs, ns, "default", nil)
	}
}

func createServiceAccount(t *testing.T, cs kubernetes.Interface, ns, name string, automount *bool) {
	t.Helper()
	_, err := cs.CoreV1().ServiceAccounts(ns).Create(context.Background(),
		&corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: name}, AutomountServiceAccountToken: automount}, metav1.CreateOptions{})
	must(t, "create service account "+ns+"/"+name, err)
}

// grant creates a ClusterRole name with rules and binds it to subject: cluster-wide when ns is
// "", else by a RoleBinding in ns. It returns once the API server's authorizer allows probe
// to the subject (u), as its RBAC informer sees bindings a moment after they are written.
func grant(t *testing.T, cs kubernetes.Interface, ns, name string, rules []rbacv1.PolicyRule, subject rbacv1.Subject, u authz.User, probe authz.Request) {
	t.Helper()
	ctx := context.Background()
	_, err := cs.RbacV1().ClusterRoles().Create(ctx, &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: name}, Rules: rules}, metav1.CreateOptions{})
	must(t, "create cluster role "+name, err)
	ref := rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: name}
	if ns == "" {
		_, err = cs.RbacV1().ClusterRoleBindings().Create(ctx,
			&rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: name}, RoleRef: ref, Subjects: []rbacv1.Subject{subject}}, metav1.CreateOptions{})
	} else {
		_, err = cs.RbacV1().RoleBindings(ns).Create(ctx,
			&rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Name: name}, RoleRef: ref, Subjects: []rbacv1.Subject{subject}}, metav1.CreateOptions{})
	}
	must(t, "bind "+name, err)
	for deadline := time.Now().Add(15 * time.Second); !serverAllows(t, cs, u, probe); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the API server still does not allow %s to %s 15 s after binding %s", u.Name, probe, name)
		}
	}
}

// serverAllows asks the API server's authorizer (a SubjectAccessReview) whether u may do r.
func serverAllows(t *testing.T, cs kubernetes.Interface, u authz.User, r authz.Request) bool {
	t.Helper()
	sar, err := cs.AuthorizationV1().SubjectAccessReviews().Create(context.Background(), &authorizationv1.SubjectAccessReview{
		Spec: authorizationv1.SubjectAccessReviewSpec{User: u.Name, Groups: u.Groups, ResourceAttributes: &authorizationv1.ResourceAttributes{
			Verb: r.Verb, Group: r.Group, Resource: r.Resource, Subresource: r.Subresource, Namespace: r.Namespace, Name: r.Name}}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("subject access review: %v", err)
	}
	return sar.Status.Allowed
}

// collectCluster collects the package's cluster with the real collector.
func collectCluster(t *testing.T) *snapshot.Snapshot {
	t.Helper()
	snap, err := collect.Collect(context.Background(), cluster.Get(t).Admin, collect.Options{SkipKubelet: true})
	if err != nil {
		t.Fatalf("collect: %v", err)
	}
	return snap
}

// rbacVerdicts runs every registered control (this package's) on snap and returns "control
// resource" → status for the results keep selects.
func rbacVerdicts(snap *snapshot.Snapshot, keep func(id string, r checks.Resource) bool) map[string]checks.Status {
	rep := checks.Run(snap, checks.Registered(), checks.Selection{})
	out := map[string]checks.Status{}
	for _, c := range rep.Controls {
		for _, r := range c.Results {
			if keep(c.ID, r.Resource) {
				out[c.ID+" "+r.Resource.String()] = r.Status
			}
		}
	}
	return out
}

// diffVerdicts reports every key whose status differs between got and want.
func diffVerdicts(t *testing.T, got, want map[string]checks.Status) {
	t.Helper()
	keys := map[string]bool{}
	for k := range got {
		keys[k] = true
	}
	for k := range want {
		keys[k] = true
	}
	var sorted []string
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	for _, k := range sorted {
		if got[k] != want[k] {
			t.Errorf("%s: got %q, want %q", k, got[k], want[k])
		}
	}
}
