package e2e

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/metrics"
	"github.com/kubeposture/kubeposture/snapshot"
)

// audit serve's callers (README "How serve is protected"): a report reader bound to
// examples/serve's ClusterRole kubeposture-report-reader as the README shows, and Prometheus's
// account, which examples/monitoring binds to /metrics.
const (
	readerNamespace, readerAccount         = scannerNamespace, "report-reader"
	prometheusNamespace, prometheusAccount = "monitoring", "prometheus-k8s"
)

// applyServeCallers applies what a user applies for serve beside the shipped scanner: the RBAC
// of examples/serve (serve's account may review tokens; the report readers' role) and
// examples/monitoring (Prometheus may get /metrics), Prometheus's namespace and service
// account, and the report reader's account bound as the README's
// `kubectl create clusterrolebinding kubeposture-report-readers --clusterrole
// kubeposture-report-reader` does.
func applyServeCallers(ctx context.Context, cs kubernetes.Interface) error {
	if err := applyManifests(ctx, cs, "examples/serve/rbac.yaml", "examples/monitoring/rbac.yaml"); err != nil {
		return err
	}
	if _, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: prometheusNamespace}}, metav1.CreateOptions{}); err != nil {
		return err
	}
	for _, sa := range [][2]string{{prometheusNamespace, prometheusAccount}, {readerNamespace, readerAccount}} {
		if _, err := cs.CoreV1().ServiceAccounts(sa[0]).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: sa[1]}}, metav1.CreateOptions{}); err != nil {
			return err
		}
	}
	_, err := cs.RbacV1().ClusterRoleBindings().Create(ctx, &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "kubeposture-report-readers"},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "kubeposture-report-reader"},
		Subjects:   []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Namespace: readerNamespace, Name: readerAccount}},
	}, metav1.CreateOptions{})
	return err
}

// TestServeInClusterShape runs audit serve as a Deployment would run it in the cluster (a
// Deployment cannot run it on the hollow nodes: their runtime is fake): the shipped service
// account with the with-node-proxy overlay and examples/serve's RBAC, in-cluster
// configuration, a pod's network. Its callers authenticate as users do, with service account
// tokens from the TokenRequest API: the report reader gets the report, Prometheus the metrics,
// neither the other's, and a request without a token or with a token the API server rejects
// gets 401. Its first scan is served: /readyz, the report with the node layer read through
// the kubelets, and the metrics.
func TestServeInClusterShape(t *testing.T) {
	cs, err := cluster.Client()
	if err != nil {
		t.Fatal(err)
	}
	cmd, addr := podCommand(t, scannerToken(t, cs), "serve", "--listen", net.JoinHostPort("0.0.0.0", "8080"), "--interval", "1h")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(15 * time.Second):
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-exited
		}
	})
	base := "http://" + net.JoinHostPort(addr, "8080")
	client := &http.Client{Timeout: 10 * time.Second}
	get := func(path, token string) (int, []byte) {
		req, err := http.NewRequest(http.MethodGet, base+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := client.Do(req)
		if err != nil {
			return 0, []byte(err.Error())
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, body
	}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		code, body := get("/readyz", "") // the probes need no token
		if code == http.StatusOK {
			break
		}
		select {
		case err := <-exited:
			t.Fatalf("audit serve exited: %v: %s", err, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("audit serve not ready after 2m: %d %s; stderr: %s", code, body, stderr.String())
		}
		time.Sleep(500 * time.Millisecond)
	}

	reader, prometheus := accountToken(t, cs, readerNamespace, readerAccount), accountToken(t, cs, prometheusNamespace, prometheusAccount)
	for _, c := range []struct {
		path, who, token string
		want             int
	}{
		{"/report.json", "no token", "", http.StatusUnauthorized},
		{"/metrics", "no token", "", http.StatusUnauthorized},
		{"/report.json", "a token the API server rejects", "not-a-token", http.StatusUnauthorized},
		{"/report.json", "Prometheus", prometheus, http.StatusForbidden},
		{"/report.html", "Prometheus", prometheus, http.StatusForbidden},
		{"/metrics", "the report reader", reader, http.StatusForbidden},
	} {
		if code, body := get(c.path, c.token); code != c.want {
			t.Errorf("GET %s with %s: %d %s, want %d", c.path, c.who, code, body, c.want)
		}
	}

	code, body := get("/report.json", reader)
	if code != http.StatusOK {
		t.Fatalf("/report.json: %d %s", code, body)
	}
	rep := decodeReport(t, body)
	got := verdicts(rep)
	want := wantVerdicts()
	nodeLayer := func(m map[string]checks.Status) map[string]checks.Status {
		out := map[string]checks.Status{}
		for k, st := range m {
			if strings.HasPrefix(k, "KP-NODE-") {
				out[k] = st
			}
		}
		return out
	}
	// The node layer is the admin's, read by the service account through nodes/proxy.
	diffVerdicts(t, nodeLayer(got), nodeLayer(want), wrongVerdicts)

	code, body = get("/metrics", prometheus)
	if code != http.StatusOK {
		t.Fatalf("/metrics: %d %s", code, body)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("/metrics is not exposition text: %v", err)
	}
	for _, name := range metrics.Names {
		if families[name] == nil {
			t.Errorf("/metrics lacks %s", name)
		}
	}
	// The kubelet configurations were collected, one per node.
	for _, m := range families[metrics.ObjectsCollected].GetMetric() {
		for _, l := range m.GetLabel() {
			if l.GetName() == "resource" && l.GetValue() == string(snapshot.ResKubeletConfigs) && int(m.GetGauge().GetValue()) != len(cluster.Nodes) {
				t.Errorf("%s{resource=%q} = %v, want %d", metrics.ObjectsCollected, l.GetValue(), m.GetGauge().GetValue(), len(cluster.Nodes))
			}
		}
	}
}
