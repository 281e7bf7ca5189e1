package proxytest

import (
	"context"
	"os"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"
)

func decodeFile(t *testing.T, path string, into any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.UnmarshalStrict(data, into); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// TestNodeAgentManifests checks the claim of examples/node-agent against the real API
// server's Pod Security admission: the agent's pods are admitted in the namespace as shipped
// (Privileged), and refused at Baseline because of the hostPath volumes and nothing else.
func TestNodeAgentManifests(t *testing.T) {
	const dir = "../../examples/node-agent/"
	var ns corev1.Namespace
	var ds appsv1.DaemonSet
	var job batchv1.Job
	decodeFile(t, dir+"namespace.yaml", &ns)
	decodeFile(t, dir+"daemonset.yaml", &ds)
	decodeFile(t, dir+"job.yaml", &job)
	if ns.Labels["pod-security.kubernetes.io/enforce"] != "privileged" {
		t.Fatalf("namespace labels %v", ns.Labels)
	}
	cs, err := cluster.Client()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := cs.CoreV1().Namespaces().Create(ctx, &ns, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	baseline := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "kubeposture-node-baseline",
		Labels: map[string]string{"pod-security.kubernetes.io/enforce": "baseline"}}}
	if _, err := cs.CoreV1().Namespaces().Create(ctx, baseline, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	// No controller manager runs here to create the default service accounts.
	for _, n := range []string{ns.Name, baseline.Name} {
		sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "default"}}
		if _, err := cs.CoreV1().ServiceAccounts(n).Create(ctx, sa, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	dry := metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}}
	for name, tmpl := range map[string]corev1.PodTemplateSpec{"daemonset": ds.Spec.Template, "job": job.Spec.Template} {
		spec := tmpl.Spec
		if spec.SecurityContext == nil || spec.HostPID || spec.HostNetwork || spec.AutomountServiceAccountToken == nil || *spec.AutomountServiceAccountToken {
			t.Errorf("%s: want no host namespaces and no service account token: %+v", name, spec)
		}
		for _, v := range spec.Containers[0].VolumeMounts {
			if !v.ReadOnly {
				t.Errorf("%s: mount %s is not read-only", name, v.Name)
			}
		}
		pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "agent-" + name, Labels: tmpl.Labels}, Spec: spec}
		if _, err := cs.CoreV1().Pods(ns.Name).Create(ctx, pod, dry); err != nil {
			t.Errorf("%s: refused in %s (enforce privileged): %v", name, ns.Name, err)
		}
		_, err := cs.CoreV1().Pods(baseline.Name).Create(ctx, pod, dry)
		if err == nil || !strings.Contains(err.Error(), "hostPath volumes") {
			t.Errorf("%s at baseline: %v, want a refusal for hostPath volumes", name, err)
		} else if strings.Contains(err.Error(), "privileged") || strings.Contains(err.Error(), "capabilities") ||
			strings.Contains(err.Error(), "host namespaces") {
			t.Errorf("%s at baseline: refused for more than hostPath: %v", name, err)
		}
	}
}
