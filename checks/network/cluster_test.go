package network

import (
	"context"
	"os"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/collect"
	"github.com/kubeposture/kubeposture/internal/testcluster"
	"github.com/kubeposture/kubeposture/snapshot"
)

// The real-cluster tests of this package share one kube-apiserver and etcd, started on first
// use (the unit tests do not pay for it). No controller manager runs: a Deployment or CronJob
// creates no pod, as one scaled to zero or between runs does not. Each test works in
// namespaces of its own.
var cluster testcluster.Lazy

func TestMain(m *testing.M) {
	code := m.Run()
	cluster.Stop()
	os.Exit(code)
}

// clusterClient returns an admin client of the package's cluster.
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
		_, err = cs.CoreV1().ServiceAccounts(ns).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "default"}}, metav1.CreateOptions{})
		must(t, "create service account "+ns+"/default", err)
	}
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

// verdicts runs every registered control on snap, as a scan does, and returns "control
// resource" → status for the results keep selects.
func verdicts(snap *snapshot.Snapshot, keep func(id string, r checks.Resource) bool) map[string]checks.Status {
	out := map[string]checks.Status{}
	for _, c := range checks.Run(snap, checks.Registered(), checks.Selection{}).Controls {
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
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: %q, want %q", k, got[k], w)
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("%s: %q, not expected", k, g)
		}
	}
}
