package main

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	"k8s.io/utils/ptr"

	"github.com/kubeposture/kubeposture/internal/testcluster"
	"github.com/kubeposture/kubeposture/snapshot"
)

// serve's authentication and authorization on a real API server, with the RBAC the examples
// ship: serve runs as examples/serve's service account, bound to system:auth-delegator only;
// Prometheus's service account is bound by examples/monitoring/rbac.yaml, an auditor to
// examples/serve's kubeposture-report-reader; their tokens come from the TokenRequest API.
// No token: 401; a token without the permission: 403; with it: 200; the probes stay open.
func TestServeAuthorization(t *testing.T) {
	c, _ := startCluster(t)
	cs, err := c.Client()
	if err != nil {
		t.Fatal(err)
	}
	for _, ns := range []string{"monitoring", "security"} {
		if _, err := cs.CoreV1().Namespaces().Create(context.Background(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	applyRBAC(t, cs, readServeExample(t))
	applyRBAC(t, cs, readManifestFiles(t, "../../examples/monitoring/rbac.yaml"))
	serveToken := serviceAccountToken(t, cs, "kubeposture", "kubeposture")
	prometheus := serviceAccountToken(t, cs, "monitoring", "prometheus-k8s")
	reader := serviceAccountToken(t, cs, "security", "auditor")
	bindClusterRole(t, cs, "kubeposture-report-reader", "security", "auditor")
	nobody := serviceAccountToken(t, cs, "security", "nobody")

	run := startServe(t, "--kubeconfig", tokenKubeconfig(t, c, serveToken), "--snapshot", demo)
	run.awaitPath("/readyz")
	base := run.base()
	for _, tc := range []struct {
		path, who, token string
		want             int
	}{
		{"/healthz", "no token", "", http.StatusOK},
		{"/readyz", "no token", "", http.StatusOK},
		{"/metrics", "no token", "", http.StatusUnauthorized},
		{"/report.html", "no token", "", http.StatusUnauthorized},
		{"/report.json", "no token", "", http.StatusUnauthorized},
		{"/report.sarif", "no token", "", http.StatusUnauthorized},
		{"/nothing-here", "no token", "", http.StatusUnauthorized},
		{"/metrics", "a token the API server does not know", "not-a-token", http.StatusUnauthorized},
		{"/metrics", "nobody", nobody, http.StatusForbidden},
		{"/report.json", "nobody", nobody, http.StatusForbidden},
		{"/metrics", "prometheus", prometheus, http.StatusOK},
		{"/report.html", "prometheus", prometheus, http.StatusForbidden},
		{"/report.json", "prometheus", prometheus, http.StatusForbidden},
		{"/report.sarif", "prometheus", prometheus, http.StatusForbidden},
		{"/report.html", "auditor", reader, http.StatusOK},
		{"/report.json", "auditor", reader, http.StatusOK},
		{"/report.sarif", "auditor", reader, http.StatusOK},
		{"/metrics", "auditor", reader, http.StatusForbidden},
		{"/report.json", "the admin (system:masters)", c.Admin.BearerToken, http.StatusOK},
	} {
		code, body := getAs(t, base+tc.path, tc.token)
		if code != tc.want {
			t.Errorf("%s as %s: %d, want %d (%s)", tc.path, tc.who, code, tc.want, strings.TrimSpace(body))
		}
		if code != http.StatusOK && strings.Contains(body, "KP-") {
			t.Errorf("%s as %s: a refusal carries findings: %.200s", tc.path, tc.who, body)
		}
	}
	if exit := run.stop(); strings.Contains(exit.stderr, "warning") {
		t.Errorf("serve warned: %s", exit.stderr)
	}

	// An identity that may not create reviews: every request is refused (500), and the log
	// says which binding is missing.
	run = startServe(t, "--kubeconfig", tokenKubeconfig(t, c, nobody), "--snapshot", demo)
	run.awaitPath("/readyz")
	if code, body := getAs(t, run.base()+"/metrics", prometheus); code != http.StatusInternalServerError {
		t.Errorf("/metrics through a serve that may not review tokens: %d, want 500 (%s)", code, body)
	}
	if exit := run.stop(); !strings.Contains(exit.stderr, "system:auth-delegator") {
		t.Errorf("the log does not say what serve's identity lacks: %s", exit.stderr)
	}
}

// Without a cluster configuration serve does not start unless told to serve without
// authentication, which it warns about.
func TestServeRequiresAuthOrInsecureFlag(t *testing.T) {
	_, errOut, code := runCLI(t, "serve", "--snapshot", demo, "--kubeconfig", filepath.Join(t.TempDir(), "missing"), "--listen", "127.0.0.1:0")
	if code != 2 || !strings.Contains(errOut, "--insecure-no-auth") || !strings.Contains(errOut, "bearer token") {
		t.Errorf("exit %d, stderr %q: want 2 and a message naming --insecure-no-auth", code, errOut)
	}
	run := startServe(t, "--snapshot", demo, "--insecure-no-auth")
	run.awaitPath("/readyz")
	if code, _ := get(t, run.base()+"/report.json"); code != http.StatusOK {
		t.Errorf("/report.json with --insecure-no-auth: %d", code)
	}
	if exit := run.stop(); !strings.Contains(exit.stderr, "warning: --insecure-no-auth") {
		t.Errorf("no warning about --insecure-no-auth: %s", exit.stderr)
	}
}

// applyRBAC creates the Namespaces, ServiceAccounts, ClusterRoles and ClusterRoleBindings of
// a manifests' snapshot on the cluster, as the admin.
func applyRBAC(t *testing.T, cs kubernetes.Interface, s *snapshot.Snapshot) {
	t.Helper()
	ctx := context.Background()
	for _, ns := range s.Namespaces {
		if _, err := cs.CoreV1().Namespaces().Create(ctx, &ns, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range s.ClusterRoles {
		if _, err := cs.RbacV1().ClusterRoles().Create(ctx, &r, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	for _, b := range s.ClusterRoleBindings {
		if _, err := cs.RbacV1().ClusterRoleBindings().Create(ctx, &b, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
}

// serviceAccountToken creates the service account (unless it exists) and returns a token
// for it from the TokenRequest API, as the kubelet mounts in a pod.
func serviceAccountToken(t *testing.T, cs kubernetes.Interface, ns, name string) string {
	t.Helper()
	ctx := context.Background()
	if _, err := cs.CoreV1().ServiceAccounts(ns).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
	tr, err := cs.CoreV1().ServiceAccounts(ns).CreateToken(ctx, name,
		&authenticationv1.TokenRequest{Spec: authenticationv1.TokenRequestSpec{ExpirationSeconds: ptr.To[int64](3600)}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return tr.Status.Token
}

func bindClusterRole(t *testing.T, cs kubernetes.Interface, role, ns, serviceAccount string) {
	t.Helper()
	b := &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: ns + "-" + serviceAccount + "-" + strings.ReplaceAll(role, ":", "-")},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role},
		Subjects:   []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Namespace: ns, Name: serviceAccount}},
	}
	if _, err := cs.RbacV1().ClusterRoleBindings().Create(context.Background(), b, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// tokenKubeconfig writes a kubeconfig that reaches the cluster with token.
func tokenKubeconfig(t *testing.T, c *testcluster.Cluster, token string) string {
	t.Helper()
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["test"] = &clientcmdapi.Cluster{Server: c.Admin.Host, CertificateAuthorityData: c.Admin.TLSClientConfig.CAData}
	cfg.AuthInfos["sa"] = &clientcmdapi.AuthInfo{Token: token}
	cfg.Contexts["test"] = &clientcmdapi.Context{Cluster: "test", AuthInfo: "sa"}
	cfg.CurrentContext = "test"
	path := filepath.Join(t.TempDir(), "kubeconfig")
	if err := clientcmd.WriteToFile(*cfg, path); err != nil {
		t.Fatal(err)
	}
	return path
}
