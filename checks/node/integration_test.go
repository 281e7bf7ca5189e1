package node

import (
	"context"
	"os"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/collect"
	"github.com/kubeposture/kubeposture/internal/testcluster"
)

// The real-cluster test of this package: one kube-apiserver and etcd, started on first use.
// No controller manager runs: the test creates the Node objects and the DaemonSet's pod itself,
// as the kubelet and the DaemonSet controller would, and sets their status.
var cluster testcluster.Lazy

func TestMain(m *testing.M) {
	code := m.Run()
	cluster.Stop()
	os.Exit(code)
}

// TestPostureOnAPIServer: runtime detection and patch level through the real collector. A
// Falco DaemonSet without a control-plane toleration covers the worker (its pod there is
// running) but not the tainted control-plane node; the worker's nodeInfo names an old runtime
// and OS, the control-plane node's current ones.
func TestPostureOnAPIServer(t *testing.T) {
	c := cluster.Get(t)
	cs, err := c.Client()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	for _, n := range []struct {
		name, os, kernel, runtime string
		taints                    []corev1.Taint
	}{
		{"posture-cp", "Ubuntu 24.04.1 LTS", "6.8.12", "containerd://2.0.4", []corev1.Taint{controlPlaneTaint}},
		{"posture-worker", "Ubuntu 20.04.6 LTS", "5.15.0-91-generic", "containerd://1.7.12", nil},
	} {
		node, err := cs.CoreV1().Nodes().Create(ctx, &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: n.name},
			Spec: corev1.NodeSpec{Taints: n.taints}}, metav1.CreateOptions{})
		must("create node "+n.name, err)
		// The TaintNodesByCondition admission plugin taints a new node not-ready until its
		// kubelet reports Ready, which no kubelet does here: the test plays the node lifecycle
		// controller and keeps only the node's own taints.
		node.Spec.Taints = n.taints
		node, err = cs.CoreV1().Nodes().Update(ctx, node, metav1.UpdateOptions{})
		must("update node "+n.name, err)
		node.Status.Conditions = []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionTrue, Reason: "KubeletReady"}}
		node.Status.NodeInfo = corev1.NodeSystemInfo{OperatingSystem: "linux", OSImage: n.os, KernelVersion: n.kernel,
			ContainerRuntimeVersion: n.runtime, KubeletVersion: "v1.37.2", Architecture: "amd64"}
		_, err = cs.CoreV1().Nodes().UpdateStatus(ctx, node, metav1.UpdateOptions{})
		must("node status "+n.name, err)
	}
	_, err = cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "falco"}}, metav1.CreateOptions{})
	must("create namespace falco", err)
	_, err = cs.CoreV1().ServiceAccounts("falco").Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "default"}}, metav1.CreateOptions{})
	must("create service account", err)
	labels := map[string]string{"app": "falco"}
	ds, err := cs.AppsV1().DaemonSets("falco").Create(ctx, &appsv1.DaemonSet{ObjectMeta: metav1.ObjectMeta{Name: "falco"},
		Spec: appsv1.DaemonSetSpec{Selector: &metav1.LabelSelector{MatchLabels: labels}, Template: corev1.PodTemplateSpec{
			ObjectMeta: metav1.ObjectMeta{Labels: labels},
			Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "falco", Image: "docker.io/falcosecurity/falco:0.41.3"}}}}}},
		metav1.CreateOptions{})
	must("create daemonset", err)
	pod, err := cs.CoreV1().Pods("falco").Create(ctx, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "falco-w", Labels: labels,
		OwnerReferences: []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "DaemonSet", Name: "falco", UID: ds.UID, Controller: new(true)}}},
		Spec: *ds.Spec.Template.Spec.DeepCopy()}, metav1.CreateOptions{})
	must("create pod", err)
	pod.Spec.NodeName = "posture-worker"
	must("bind pod", cs.CoreV1().Pods("falco").Bind(ctx, &corev1.Binding{ObjectMeta: metav1.ObjectMeta{Name: pod.Name},
		Target: corev1.ObjectReference{Kind: "Node", Name: "posture-worker"}}, metav1.CreateOptions{}))
	pod, err = cs.CoreV1().Pods("falco").Get(ctx, pod.Name, metav1.GetOptions{})
	must("get pod", err)
	pod.Status.Phase = corev1.PodRunning
	pod.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue}}
	_, err = cs.CoreV1().Pods("falco").UpdateStatus(ctx, pod, metav1.UpdateOptions{})
	must("pod status", err)

	snap, err := collect.Collect(ctx, c.Admin, collect.Options{SkipKubelet: true})
	must("collect", err)
	got := map[string]checks.Status{}
	sel := checks.Selection{Controls: []string{"KP-NODE-060", "KP-NODE-061", "KP-NODE-062", "KP-NODE-063"}}
	selected, err := sel.Select(checks.Registered())
	must("select", err)
	for _, ctl := range checks.Run(snap, selected, sel).Controls {
		for _, r := range ctl.Results {
			got[ctl.ID+" "+r.Resource.Name] = r.Status
		}
	}
	for k, want := range map[string]checks.Status{
		"KP-NODE-060 posture-cp":     checks.Warn, // the control-plane taint is not tolerated
		"KP-NODE-060 posture-worker": checks.Pass,
		"KP-NODE-061 posture-cp":     checks.Pass,
		"KP-NODE-061 posture-worker": checks.Fail, // containerd 1.7.12 bundles runc 1.1.11
		"KP-NODE-062 posture-cp":     checks.Pass,
		"KP-NODE-062 posture-worker": checks.NotEvaluated, // an Ubuntu kernel: its advisories decide
		"KP-NODE-063 posture-cp":     checks.Pass,
		"KP-NODE-063 posture-worker": checks.Fail, // Ubuntu 20.04: standard support ended 2025-05-31
	} {
		if got[k] != want {
			t.Errorf("%s: %q, want %q (all: %v)", k, got[k], want, got)
		}
	}
}
