package estate

import (
	"context"
	"fmt"
	"strings"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/kubernetes"
)

// WaitRunning waits, after Apply on a whole cluster, until the controllers, the scheduler and
// the kubelets have made the estate run: every replica of the Deployments and the StatefulSet
// running, the DaemonSet's pod running on every node, and the CronJob's Job with a running
// pod (the cronjob controller starts one within a minute). Running is the pod's phase, which
// the kubelet sets once its containers have started. It gives up after five minutes, naming
// what it was waiting for.
func WaitRunning(ctx context.Context, cs kubernetes.Interface) error {
	deadline := time.Now().Add(5 * time.Minute)
	for {
		waiting, err := notRunning(ctx, cs)
		if err == nil && len(waiting) == 0 {
			return nil
		}
		if err != nil {
			waiting = append(waiting, err.Error())
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("estate: not running after 5m: %s", strings.Join(waiting, "; "))
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("estate: %w while waiting for: %s", ctx.Err(), strings.Join(waiting, "; "))
		case <-time.After(time.Second):
		}
	}
}

// notRunning lists what of the applied estate does not run yet.
func notRunning(ctx context.Context, cs kubernetes.Interface) ([]string, error) {
	nodes, err := cs.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, err
	}
	var waiting []string
	for _, w := range []struct {
		kind, ns, name string
		selector       map[string]string
		want           int
	}{
		{"deployment", "shop", "web", map[string]string{"app": "web"}, 3},
		{"deployment", "legacy", "admin-tool", map[string]string{"app": "admin-tool"}, 2},
		{"statefulset", "shop", "cache", map[string]string{"app": "cache"}, 2},
		{"daemonset", "kube-system", "log-shipper", map[string]string{"app": "log-shipper"}, len(nodes.Items)},
	} {
		n, err := running(ctx, cs, w.ns, labels.SelectorFromSet(w.selector).String())
		if err != nil {
			return nil, err
		}
		if n != w.want {
			waiting = append(waiting, fmt.Sprintf("%s %s/%s: %d of %d pods running", w.kind, w.ns, w.name, n, w.want))
		}
	}
	jobs, err := cs.BatchV1().Jobs("batch").List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, err
	}
	ran, err := cronJobRan(ctx, cs, jobs.Items)
	if err != nil {
		return nil, err
	}
	if !ran {
		waiting = append(waiting, "cronjob batch/nightly-report: no Job with a running pod yet")
	}
	return waiting, nil
}

// running counts the pods of a namespace that match selector and run.
func running(ctx context.Context, cs kubernetes.Interface, ns, selector string) (int, error) {
	pods, err := cs.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: selector})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, p := range pods.Items {
		if p.Status.Phase == corev1.PodRunning && p.DeletionTimestamp == nil {
			n++
		}
	}
	return n, nil
}

// cronJobRan tells whether nightly-report has a Job (created by the cronjob controller, its
// controller reference says) whose pod runs.
func cronJobRan(ctx context.Context, cs kubernetes.Interface, jobs []batchv1.Job) (bool, error) {
	for _, j := range jobs {
		owner := metav1.GetControllerOf(&j)
		if owner == nil || owner.Kind != "CronJob" || owner.Name != "nightly-report" {
			continue
		}
		n, err := running(ctx, cs, "batch", batchv1.JobNameLabel+"="+j.Name)
		if err != nil || n > 0 {
			return n > 0, err
		}
	}
	return false, nil
}
