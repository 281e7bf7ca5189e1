package workload

import (
	"bytes"
	"context"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/kubeposture/kubeposture/collect"
	"github.com/kubeposture/kubeposture/internal/testcluster"
	"github.com/kubeposture/kubeposture/snapshot"
	"github.com/kubeposture/kubeposture/snapshot/snapfile"
)

// The real-cluster tests of this package (admission_diff_test.go, integration_test.go) share
// one kube-apiserver and etcd, started on first use: the unit tests do not pay for it.
var (
	clusterOnce sync.Once
	clusterInst *testcluster.Cluster
	clusterErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if clusterInst != nil {
		clusterInst.Stop()
	}
	os.Exit(code)
}

// testCluster returns the package's cluster, starting it the first time.
func testCluster(t testing.TB) *testcluster.Cluster {
	t.Helper()
	clusterOnce.Do(func() {
		start := time.Now()
		clusterInst, clusterErr = testcluster.Start(context.Background(), testcluster.Options{Log: os.Stderr})
		if clusterErr == nil {
			t.Logf("test cluster %s started in %s", clusterInst.Version, time.Since(start).Round(time.Millisecond))
		}
	})
	if clusterErr != nil {
		t.Fatalf("start the test cluster: %v", clusterErr)
	}
	return clusterInst
}

// clusterClient is an admin client of the package's cluster.
func clusterClient(t testing.TB) *kubernetes.Clientset {
	t.Helper()
	return clientFor(t, testCluster(t).Admin)
}

// clientFor is a client with a rate limit high enough not to be what a test waits on, whose
// warnings go to the sink in each request's context (withWarnings).
func clientFor(t testing.TB, admin *rest.Config) *kubernetes.Clientset {
	t.Helper()
	cfg := *admin
	cfg.QPS, cfg.Burst = 2000, 4000
	cfg.WarningHandlerWithContext = warningRouter{}
	cs, err := kubernetes.NewForConfig(&cfg)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// warningRouter hands each warning the API server returns to the warningSink in the request's
// context (see withWarnings), so that concurrent requests keep theirs apart.
type warningRouter struct{}

type warningKey struct{}

type warningSink struct {
	mu   sync.Mutex
	list []string
}

func (warningRouter) HandleWarningHeaderWithContext(ctx context.Context, _ int, _ string, text string) {
	if w, ok := ctx.Value(warningKey{}).(*warningSink); ok {
		w.mu.Lock()
		w.list = append(w.list, text)
		w.mu.Unlock()
	}
}

// withWarnings returns a context whose requests' warnings are collected in the returned sink.
func withWarnings(ctx context.Context) (context.Context, *warningSink) {
	w := &warningSink{}
	return context.WithValue(ctx, warningKey{}, w), w
}

// createNamespace creates a namespace with labels and its "default" ServiceAccount: no
// controller-manager runs in the test cluster, and the ServiceAccount admission plugin refuses
// pods whose service account does not exist.
func createNamespace(t testing.TB, cs kubernetes.Interface, name string, labels map[string]string) {
	t.Helper()
	ctx := context.Background()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}}
	if _, err := cs.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil {
		t.Fatalf("create namespace %s: %v", name, err)
	}
	sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "default", Namespace: name}}
	if _, err := cs.CoreV1().ServiceAccounts(name).Create(ctx, sa, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatalf("create the default service account of %s: %v", name, err)
	}
}

// collectSnapshot collects the package's cluster (see collectFrom).
func collectSnapshot(t testing.TB) *snapshot.Snapshot {
	t.Helper()
	return collectFrom(t, testCluster(t).Admin, collect.FileOptions{})
}

// collectFrom collects a cluster with the real collector (which compacts what it lists), adds
// the control-plane files named, and returns the snapshot after a write and read through the
// file format: what the checks of an `audit scan --snapshot` would read.
func collectFrom(t testing.TB, cfg *rest.Config, files collect.FileOptions) *snapshot.Snapshot {
	t.Helper()
	snap, err := collect.Collect(context.Background(), cfg, collect.Options{SkipKubelet: true})
	if err != nil {
		t.Fatalf("collect: %v", err)
	}
	if err := collect.AddFiles(snap, files); err != nil {
		t.Fatalf("read the control-plane files: %v", err)
	}
	var buf bytes.Buffer
	if err := snapfile.Write(&buf, snap); err != nil {
		t.Fatalf("write the snapshot: %v", err)
	}
	back, err := snapfile.Read(&buf)
	if err != nil {
		t.Fatalf("read the snapshot back: %v", err)
	}
	return back
}

// waitEnforced waits until the API server refuses a privileged pod in namespace ns: the
// PodSecurity plugin reads namespaces' labels from an informer, which may lag an update by a
// moment. It fails the test if the label does not take effect.
func waitEnforced(t testing.TB, cs kubernetes.Interface, ns string) {
	t.Helper()
	probe := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "enforced-probe"}, Spec: corev1.PodSpec{
		Containers: []corev1.Container{{Name: "probe", Image: "registry.example/probe:1",
			SecurityContext: &corev1.SecurityContext{Privileged: ptr(true)}}}}}
	deadline := time.Now().Add(15 * time.Second)
	for {
		_, err := cs.CoreV1().Pods(ns).Create(context.Background(), probe, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
		if apierrors.IsForbidden(err) && strings.Contains(err.Error(), "violates PodSecurity") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("namespace %s: a privileged pod is still not refused 15 s after labelling (last: %v)", ns, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
