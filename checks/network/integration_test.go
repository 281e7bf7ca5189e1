package network

import (
	"context"
	"reflect"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/internal/netpol"
	"github.com/kubeposture/kubeposture/internal/owners"
)

// TestWorkloadsWithoutPodsOnAPIServer: on a real API server, a namespace whose only workload
// is a CronJob between runs, and one whose Deployment is scaled to zero, are judged by the
// pods their templates will create: the namespace default deny controls apply to them
// (NOT_APPLICABLE before), and the workload controls give a result for each. A pod the API
// server admits from each template (a dry run through admission) is judged alike.
func TestWorkloadsWithoutPodsOnAPIServer(t *testing.T) {
	cs := clusterClient(t)
	ctx := context.Background()
	createNamespaces(t, cs, "nightly", "idle")
	podSpec := corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "registry.example.com/app:1.0",
		Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: 8080}}}}}

	report := corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "report"}}, Spec: *podSpec.DeepCopy()}
	report.Spec.RestartPolicy = corev1.RestartPolicyOnFailure
	_, err := cs.BatchV1().CronJobs("nightly").Create(ctx, &batchv1.CronJob{ObjectMeta: metav1.ObjectMeta{Name: "report"},
		Spec: batchv1.CronJobSpec{Schedule: "0 3 * * *", JobTemplate: batchv1.JobTemplateSpec{Spec: batchv1.JobSpec{Template: report}}}}, metav1.CreateOptions{})
	must(t, "create cronjob nightly/report", err)

	api := corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "api"}}, Spec: *podSpec.DeepCopy()}
	_, err = cs.AppsV1().Deployments("idle").Create(ctx, &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "api"},
		Spec: appsv1.DeploymentSpec{Replicas: ptr.To(int32(0)), Selector: &metav1.LabelSelector{MatchLabels: api.Labels}, Template: api}}, metav1.CreateOptions{})
	must(t, "create deployment idle/api", err)
	// idle denies ingress by default; api may send to the private 10/8 range on 443 only.
	for _, np := range []networkingv1.NetworkPolicy{
		{ObjectMeta: metav1.ObjectMeta{Name: "default-deny-ingress"}, Spec: networkingv1.NetworkPolicySpec{
			PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress}}},
		{ObjectMeta: metav1.ObjectMeta{Name: "api-egress"}, Spec: networkingv1.NetworkPolicySpec{
			PodSelector: metav1.LabelSelector{MatchLabels: api.Labels},
			PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeEgress},
			Egress: []networkingv1.NetworkPolicyEgressRule{{
				To:    []networkingv1.NetworkPolicyPeer{{IPBlock: &networkingv1.IPBlock{CIDR: "10.0.0.0/8"}}},
				Ports: []networkingv1.NetworkPolicyPort{{Port: ptr.To(intstr.FromInt32(443))}}}}}},
	} {
		_, err := cs.NetworkingV1().NetworkPolicies("idle").Create(ctx, &np, metav1.CreateOptions{})
		must(t, "create networkpolicy idle/"+np.Name, err)
	}

	snap := collectCluster(t)
	mine := func(id string, r checks.Resource) bool {
		ns := r.Namespace
		if r.Kind == "Namespace" {
			ns = r.Name
		}
		return (ns == "nightly" || ns == "idle") && id != "KP-NET-005" && id != "KP-NET-006"
	}
	diffVerdicts(t, verdicts(snap, mine), map[string]checks.Status{
		// Namespaces: pods will run in both.
		"KP-NET-001 Namespace/nightly": checks.Fail, // was NOT_APPLICABLE: no pod now
		"KP-NET-001 Namespace/idle":    checks.Pass, // its default deny, as before
		"KP-NET-004 Namespace/nightly": checks.Fail, // was NOT_APPLICABLE
		"KP-NET-004 Namespace/idle":    checks.Fail, // api-egress selects some pods only; was NOT_APPLICABLE
		// The workloads (no result before): report's pods will be open both ways; api's
		// isolated for ingress, and for egress but to 10/8 on 443.
		"KP-NET-007 CronJob/nightly/report": checks.Fail,
		"KP-NET-007 Deployment/idle/api":    checks.Pass,
		"KP-NET-008 CronJob/nightly/report": checks.NotApplicable,
		"KP-NET-008 Deployment/idle/api":    checks.Pass,
		"KP-NET-009 CronJob/nightly/report": checks.Fail,
		"KP-NET-009 Deployment/idle/api":    checks.Pass,
		"KP-NET-010 CronJob/nightly/report": checks.Warn,
		"KP-NET-010 Deployment/idle/api":    checks.Pass,
		"KP-NET-011 CronJob/nightly/report": checks.Warn,
		"KP-NET-011 Deployment/idle/api":    checks.Warn, // the Service default/kubernetes, 10.96.0.1:443, is in 10/8
		"KP-NET-012 CronJob/nightly/report": checks.Pass,
		"KP-NET-012 Deployment/idle/api":    checks.Pass,
		// CIS 5.3.2 asks for policies defined in each namespace, pods or none; C-0030 that
		// each workload's pods be isolated both ways.
		"KP-NET-017 Namespace/nightly":      checks.Fail,
		"KP-NET-017 Namespace/idle":         checks.Pass,
		"KP-NET-018 CronJob/nightly/report": checks.Fail,
		"KP-NET-018 Deployment/idle/api":    checks.Pass,
	})

	// The pods the templates will create, as the API server admits them: each answers every
	// per-endpoint question as its template does.
	e := netpol.New(snap.Pods, snap.Namespaces, snap.NetworkPolicies)
	for _, w := range owners.Index(snap) {
		if w.Namespace != "nightly" && w.Namespace != "idle" {
			continue
		}
		admitted, err := cs.CoreV1().Pods(w.Namespace).Create(ctx, &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{GenerateName: w.Name + "-", Labels: w.Template.Labels},
			Spec:       w.Template.Spec}, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
		must(t, "dry-run a pod of "+w.Kind+" "+w.Name, err)
		tmpl, pod := e.Template(w.Namespace, w.Template), e.Pod(admitted)
		if !netpol.Equivalent(&tmpl, &pod) {
			t.Errorf("%s %s/%s: its template and the pod admitted from it are not selected alike (labels %v, %v)",
				w.Kind, w.Namespace, w.Name, w.Template.Labels, admitted.Labels)
		}
		meta, _ := e.Reaches(pod, netpol.MetadataTargets())
		metaT, _ := e.Reaches(tmpl, netpol.MetadataTargets())
		if !reflect.DeepEqual([]netpol.Answer{e.FromOutside(tmpl), e.Internet(tmpl), metaT}, []netpol.Answer{e.FromOutside(pod), e.Internet(pod), meta}) {
			t.Errorf("%s %s/%s: the template and its admitted pod answer differently", w.Kind, w.Namespace, w.Name)
		}
	}
}

// TestCNIOnAPIServer: KP-NET-019 on a real API server, with the network plugins' DaemonSets
// as their own manifests create them: none (MANUAL, not recognised), flannel alone (FAIL: it
// enforces no NetworkPolicy), then Calico beside it (PASS).
func TestCNIOnAPIServer(t *testing.T) {
	cs := clusterClient(t)
	ctx := context.Background()
	cni := func() checks.Status {
		t.Helper()
		got := verdicts(collectCluster(t), func(id string, _ checks.Resource) bool { return id == "KP-NET-019" })
		if len(got) != 1 {
			t.Fatalf("KP-NET-019: %v, want one result for the cluster", got)
		}
		return got["KP-NET-019 Cluster"]
	}
	if st := cni(); st != checks.Manual {
		t.Errorf("no plugin DaemonSet: %s, want MANUAL", st)
	}

	agent := func(ns, name string, labels map[string]string, containers ...corev1.Container) {
		t.Helper()
		_, err := cs.AppsV1().DaemonSets(ns).Create(ctx, &appsv1.DaemonSet{ObjectMeta: metav1.ObjectMeta{Name: name},
			Spec: appsv1.DaemonSetSpec{Selector: &metav1.LabelSelector{MatchLabels: labels},
				Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels},
					Spec: corev1.PodSpec{HostNetwork: true, Containers: containers}}}}, metav1.CreateOptions{})
		must(t, "create daemonset "+ns+"/"+name, err)
	}
	// kube-flannel.yml (github.com/flannel-io/flannel, Documentation/kube-flannel.yml).
	_, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "kube-flannel"}}, metav1.CreateOptions{})
	must(t, "create namespace kube-flannel", err)
	agent("kube-flannel", "kube-flannel-ds", map[string]string{"app": "flannel"}, corev1.Container{Name: "kube-flannel",
		Image: "ghcr.io/flannel-io/flannel:v0.26.1", Command: []string{"/opt/bin/flanneld"}, Args: []string{"--ip-masq", "--kube-subnet-mgr"}})
	if st := cni(); st != checks.Fail {
		t.Errorf("flannel alone: %s, want FAIL", st)
	}
	// calico.yaml (docs.tigera.io, the manifest install: calico-node in kube-system).
	agent("kube-system", "calico-node", map[string]string{"k8s-app": "calico-node"}, corev1.Container{Name: "calico-node",
		Image: "docker.io/calico/node:v3.29.1"})
	if st := cni(); st != checks.Pass {
		t.Errorf("flannel and Calico: %s, want PASS", st)
	}
}
