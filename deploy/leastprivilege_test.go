package deploy_test

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	authenticationv1 "k8s.io/api/authentication/v1"
	authorizationv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/collect"
	"github.com/kubeposture/kubeposture/internal/estate"
	"github.com/kubeposture/kubeposture/internal/testcluster"
	"github.com/kubeposture/kubeposture/report"
	"github.com/kubeposture/kubeposture/snapshot"
)

// One real API server, seeded with the example estate (nodes, pods, RBAC, policies), serves
// the least-privilege tests.
var cluster *testcluster.Cluster

func TestMain(m *testing.M) {
	os.Exit(testcluster.RunTests(m, &cluster, testcluster.Options{}, func(ctx context.Context, c *testcluster.Cluster) error {
		cs, err := c.Client()
		if err != nil {
			return err
		}
		return estate.Seed(ctx, cs, c.APIServerArgs)
	}))
}

// applyScannerRBAC creates (or updates) the shipped Namespace, ServiceAccount, ClusterRole
// and ClusterRoleBinding of a kustomization's output on the test cluster, as the admin.
func applyScannerRBAC(t *testing.T, cs kubernetes.Interface, s *snapshot.Snapshot) {
	t.Helper()
	ctx := context.Background()
	for _, ns := range s.Namespaces {
		if _, err := cs.CoreV1().Namespaces().Create(ctx, &ns, metav1.CreateOptions{}); err != nil && !strings.Contains(err.Error(), "already exists") {
			t.Fatal(err)
		}
	}
	for _, sa := range s.ServiceAccounts {
		if _, err := cs.CoreV1().ServiceAccounts(sa.Namespace).Create(ctx, &sa, metav1.CreateOptions{}); err != nil && !strings.Contains(err.Error(), "already exists") {
			t.Fatal(err)
		}
	}
	for _, r := range s.ClusterRoles {
		cur, err := cs.RbacV1().ClusterRoles().Get(ctx, r.Name, metav1.GetOptions{})
		if err == nil {
			r.ResourceVersion = cur.ResourceVersion
			_, err = cs.RbacV1().ClusterRoles().Update(ctx, &r, metav1.UpdateOptions{})
		} else {
			_, err = cs.RbacV1().ClusterRoles().Create(ctx, &r, metav1.CreateOptions{})
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, b := range s.ClusterRoleBindings {
		if _, err := cs.RbacV1().ClusterRoleBindings().Create(ctx, &b, metav1.CreateOptions{}); err != nil && !strings.Contains(err.Error(), "already exists") {
			t.Fatal(err)
		}
	}
}

// inClusterConfig mints a token for the scanner's service account (TokenRequest), writes
// it and the cluster's CA where a pod would have them, sets KUBERNETES_SERVICE_HOST/PORT,
// and builds the client configuration from them exactly as rest.InClusterConfig does.
// rest.InClusterConfig itself reads fixed paths (its tokenFile and rootCAFile constants,
// /var/run/secrets/kubernetes.io/serviceaccount/{token,ca.crt}) that a test cannot
// redirect, and writing there would change the machine for every other process: so the
// same steps run on a temporary directory: host and port from the environment, the token
// as BearerToken and BearerTokenFile, the CA file as CAFile.
func inClusterConfig(t *testing.T, cs kubernetes.Interface, ns, sa string) *rest.Config {
	t.Helper()
	tr, err := cs.CoreV1().ServiceAccounts(ns).CreateToken(context.Background(), sa,
		&authenticationv1.TokenRequest{Spec: authenticationv1.TokenRequestSpec{ExpirationSeconds: ptr(int64(600))}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("TokenRequest for %s/%s: %v", ns, sa, err)
	}
	dir := t.TempDir()
	tokenFile, caFile := filepath.Join(dir, "token"), filepath.Join(dir, "ca.crt")
	if err := os.WriteFile(tokenFile, []byte(tr.Status.Token), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(caFile, cluster.Admin.TLSClientConfig.CAData, 0o644); err != nil {
		t.Fatal(err)
	}
	host, port, err := net.SplitHostPort(strings.TrimPrefix(cluster.Admin.Host, "https://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("KUBERNETES_SERVICE_HOST", host)
	t.Setenv("KUBERNETES_SERVICE_PORT", port)

	// rest.InClusterConfig, on dir instead of /var/run/secrets/kubernetes.io/serviceaccount.
	h, p := os.Getenv("KUBERNETES_SERVICE_HOST"), os.Getenv("KUBERNETES_SERVICE_PORT")
	token, err := os.ReadFile(tokenFile)
	if err != nil {
		t.Fatal(err)
	}
	return &rest.Config{
		Host:            "https://" + net.JoinHostPort(h, p),
		TLSClientConfig: rest.TLSClientConfig{CAFile: caFile},
		BearerToken:     string(token),
		BearerTokenFile: tokenFile,
	}
}

func ptr[T any](v T) *T { return &v }

// notCollected lists the resources of snap that are not fully collected, "resource state".
func notCollected(snap *snapshot.Snapshot) []string {
	var out []string
	for r, c := range snap.Resources {
		if c.State != snapshot.Collected {
			out = append(out, string(r)+" "+string(c.State))
		}
	}
	sort.Strings(out)
	return out
}

// TestLeastPrivilege applies the shipped base RBAC, and collects with the service account's
// token as the CronJob's pod would.
func TestLeastPrivilege(t *testing.T) {
	admin, err := cluster.Client()
	if err != nil {
		t.Fatal(err)
	}
	_, base := render(t, "base")
	applyScannerRBAC(t, admin, base.Snapshot)
	cfg := inClusterConfig(t, admin, "kubeposture", "kubeposture")
	ctx := context.Background()

	// As the CronJob runs it (--skip-kubelet): everything collected but secrets, which the
	// base deliberately does not grant (no rule that can read a secret's value).
	var snap *snapshot.Snapshot
	deadline := time.Now().Add(10 * time.Second)
	for {
		// The RBAC authorizer learns of a new binding through its informer: retry briefly.
		if snap, err = collect.Collect(ctx, cfg, collect.Options{SkipKubelet: true}); err != nil {
			t.Fatalf("collect as the scanner: %v", err)
		}
		if strings.Join(notCollected(snap), ", ") == "secrets forbidden" || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if got, want := strings.Join(notCollected(snap), ", "), "secrets forbidden"; got != want {
		t.Errorf("the base role leaves not collected: %q, want %q", got, want)
	}
	for _, r := range []snapshot.Resource{snapshot.ResPods, snapshot.ResClusterRoles, snapshot.ResAPIServerMetrics} {
		if c := snap.Resources[r]; c.State != snapshot.Collected || c.Count == 0 && r != snapshot.ResAPIServerMetrics {
			t.Errorf("resources[%s] = %+v, want collected (with objects, but for metrics: this server encrypts nothing)", r, c)
		}
	}

	// Without --skip-kubelet, the base deliberately leaves nodes/proxy out: that and only
	// that is forbidden, and the report names the permission and the controls it left
	// NOT_EVALUATED.
	full, err := collect.Collect(ctx, cfg, collect.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(notCollected(full), ", "), "nodes/proxy forbidden, secrets forbidden"; got != want {
		t.Errorf("not collected without --skip-kubelet: %q, want %q", got, want)
	}
	rep := checks.Run(full, checks.Registered(), checks.Selection{})
	var proxyNC *checks.NotCollected
	for i := range rep.NotCollected {
		if rep.NotCollected[i].Resource == snapshot.ResKubeletConfigs {
			proxyNC = &rep.NotCollected[i]
		}
	}
	if proxyNC == nil || proxyNC.Permission != "get nodes/proxy" || len(proxyNC.Controls) == 0 {
		t.Fatalf("report's not collected: %+v, want nodes/proxy with permission get nodes/proxy and its controls", rep.NotCollected)
	}
	for _, id := range proxyNC.Controls {
		for _, c := range rep.Controls {
			if c.ID == id && c.Status != checks.NotEvaluated {
				t.Errorf("%s is listed as left NOT_EVALUATED by nodes/proxy but is %s", id, c.Status)
			}
		}
	}

	// What the token may do, as the API server's authorizer sees it.
	sa, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, ns := range []string{"kubeposture", "kube-system", "default"} {
		rr, err := sa.AuthorizationV1().SelfSubjectRulesReviews().Create(ctx,
			&authorizationv1.SelfSubjectRulesReview{Spec: authorizationv1.SelfSubjectRulesReviewSpec{Namespace: ns}}, metav1.CreateOptions{})
		if err != nil {
			t.Fatalf("SelfSubjectRulesReview in %s: %v", ns, err)
		}
		if rr.Status.Incomplete {
			t.Errorf("rules review in %s incomplete: %s", ns, rr.Status.EvaluationError)
		}
		checkRules(t, ns, rr.Status.ResourceRules, rr.Status.NonResourceRules)
	}

	// A user applying the with-node-proxy overlay gets nodes/proxy: it is no longer
	// forbidden (the test cluster has no kubelets, so the requests then fail to connect).
	_, proxy := render(t, "overlays/with-node-proxy")
	applyScannerRBAC(t, admin, proxy.Snapshot)
	deadline = time.Now().Add(10 * time.Second)
	for {
		full, err = collect.Collect(ctx, cfg, collect.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if full.Resources[snapshot.ResKubeletConfigs].State != snapshot.Forbidden || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if c := full.Resources[snapshot.ResKubeletConfigs]; c.State == snapshot.Forbidden {
		t.Errorf("with-node-proxy: nodes/proxy still forbidden: %s", c.Message)
	}
	// Restore the base for any later test.
	applyScannerRBAC(t, admin, base.Snapshot)
}

// readVerbs are the verbs that only read. Watch is not one the scanner needs.
var readVerbs = []string{"get", "list"}

// publicWatch is what every authenticated user may also watch (system:basic-user's
// ClusterTrustBundles: public CA certificates).
var publicWatch = map[string][]string{"certificates.k8s.io": {"clustertrustbundles"}}

// selfReviews are what every authenticated user may create (system:basic-user): questions
// about its own identity and rights, which change nothing.
var selfReviews = map[string][]string{
	"authorization.k8s.io":  {"selfsubjectaccessreviews", "selfsubjectrulesreviews"},
	"authentication.k8s.io": {"selfsubjectreviews"},
}

// checkRules asserts what a rules review shows: no verb other than get and list, except
// what Kubernetes grants every authenticated user (create on the self-review resources,
// watch on ClusterTrustBundles); nothing at all on secrets (no value can be read); no
// wildcard; no nodes/proxy (the base); get only on non-resource URLs (discovery, health,
// and /metrics).
func checkRules(t *testing.T, ns string, rules []authorizationv1.ResourceRule, nonResource []authorizationv1.NonResourceRule) {
	t.Helper()
	for _, r := range rules {
		for _, v := range r.Verbs {
			if slices.Contains(readVerbs, v) {
				continue
			}
			allowed := map[string]map[string][]string{"create": selfReviews, "watch": publicWatch}[v]
			ok := allowed != nil && len(r.APIGroups) == 1 && len(r.Resources) > 0
			for _, res := range r.Resources {
				ok = ok && slices.Contains(allowed[r.APIGroups[0]], res)
			}
			if !ok {
				t.Errorf("%s: rule %v grants verb %q", ns, r, v)
			}
		}
		for _, list := range [][]string{r.APIGroups, r.Resources, r.Verbs} {
			if slices.Contains(list, rbacv1.VerbAll) {
				t.Errorf("%s: rule %v has a wildcard", ns, r)
			}
		}
		if slices.Contains(r.APIGroups, corev1.GroupName) && slices.Contains(r.Resources, "secrets") {
			t.Errorf("%s: the base grants %v on secrets: a token that may list secrets can read their values", ns, r.Verbs)
		}
		if slices.Contains(r.Resources, "nodes/proxy") {
			t.Errorf("%s: the base grants nodes/proxy: %v", ns, r)
		}
	}
	for _, r := range nonResource {
		if !slices.Equal(r.Verbs, []string{"get"}) {
			t.Errorf("%s: non-resource rule %v grants more than get", ns, r)
		}
	}
}

// TestNarrowerRole collects with the base role, which grants nothing on secrets: secrets,
// and only secrets, are forbidden, and the report (its data and its table) names the missing
// permission and the control it left NOT_EVALUATED. With the with-secret-metadata overlay,
// secrets are collected (metadata only).
func TestNarrowerRole(t *testing.T) {
	admin, err := cluster.Client()
	if err != nil {
		t.Fatal(err)
	}
	_, base := render(t, "base")
	applyScannerRBAC(t, admin, base.Snapshot)
	cfg := inClusterConfig(t, admin, "kubeposture", "kubeposture")

	var snap *snapshot.Snapshot
	deadline := time.Now().Add(10 * time.Second)
	for {
		// The authorizer sees the narrowed role through its informer: retry briefly.
		if snap, err = collect.Collect(context.Background(), cfg, collect.Options{SkipKubelet: true}); err != nil {
			t.Fatal(err)
		}
		if snap.Resources[snapshot.ResSecrets].State == snapshot.Forbidden || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if got, want := strings.Join(notCollected(snap), ", "), "secrets forbidden"; got != want {
		t.Fatalf("not collected: %q, want %q", got, want)
	}
	rep := checks.Run(snap, checks.Registered(), checks.Selection{})
	if len(rep.NotCollected) != 1 {
		t.Fatalf("report's not collected: %+v", rep.NotCollected)
	}
	nc := rep.NotCollected[0]
	if nc.Permission != "list secrets" || !slices.Contains(nc.Controls, "KP-RBAC-015") {
		t.Errorf("not collected %+v: want permission list secrets and KP-RBAC-015 among the controls", nc)
	}
	for _, c := range checks.Registered() {
		if slices.Contains(c.Inputs, snapshot.ResSecrets) && !slices.Contains(nc.Controls, c.ID) {
			t.Errorf("%s reads secrets but is not listed as left NOT_EVALUATED", c.ID)
		}
	}
	for _, c := range rep.Controls {
		if slices.Contains(nc.Controls, c.ID) && c.Status != checks.NotEvaluated {
			t.Errorf("%s is listed as left NOT_EVALUATED but is %s", c.ID, c.Status)
		}
	}
	// The table says which permission the NOT_EVALUATED controls need, and lists them
	// with --status not_evaluated.
	var table bytes.Buffer
	if err := report.Write(&table, rep, report.Table, report.Options{}); err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("%d need `list secrets`", len(nc.Controls)); !strings.Contains(table.String(), want) {
		t.Errorf("table report lacks %q:\n%s", want, table.String())
	}
	table.Reset()
	if err := report.Write(&table, rep, report.Table, report.Options{Statuses: []checks.Status{checks.NotEvaluated}, MaxControls: -1}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(table.String(), "KP-RBAC-015") {
		t.Errorf("table report of NOT_EVALUATED controls lacks KP-RBAC-015:\n%s", table.String())
	}

	// Opting in with with-secret-metadata: secrets are collected, as metadata and type.
	_, withSecrets := render(t, "overlays/with-secret-metadata")
	applyScannerRBAC(t, admin, withSecrets.Snapshot)
	defer applyScannerRBAC(t, admin, base.Snapshot)
	deadline = time.Now().Add(10 * time.Second)
	for {
		if snap, err = collect.Collect(context.Background(), cfg, collect.Options{SkipKubelet: true}); err != nil {
			t.Fatal(err)
		}
		if snap.Resources[snapshot.ResSecrets].State == snapshot.Collected || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if nc := notCollected(snap); len(nc) > 0 {
		t.Errorf("with-secret-metadata: not collected %v, want everything", nc)
	}
}
