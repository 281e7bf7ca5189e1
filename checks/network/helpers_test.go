package network

import (
	"strconv"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/yaml"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/internal/owners"
	"github.com/kubeposture/kubeposture/snapshot"
)

func collected(rs ...snapshot.Resource) *snapshot.Snapshot {
	s := snapshot.New()
	for _, r := range rs {
		s.Resources[r] = snapshot.Collection{State: snapshot.Collected}
	}
	return s
}

// check compares one result with the expected status and evidence substrings.
func check(t *testing.T, r checks.Result, status checks.Status, observed ...string) {
	t.Helper()
	if r.Status != status {
		t.Errorf("%s: status %s, want %s (evidence %+v, reason %q)", r.Resource, r.Status, status, r.Evidence, r.Reason)
	}
	for _, sub := range observed {
		if !strings.Contains(r.Evidence.Observed, sub) {
			t.Errorf("%s: observed %q does not contain %q", r.Resource, r.Evidence.Observed, sub)
		}
	}
	if r.Evidence.Expected == "" || r.Evidence.Where == "" {
		t.Errorf("%s: incomplete evidence %+v", r.Resource, r.Evidence)
	}
}

// estateLike builds a snapshot with pods, namespaces and policies (YAML, as the docs write
// them), every input collected. Pods are "ns/name" with labels "k=v"; "hostNetwork",
// "hostPort=N", "owner=Kind/name" set those fields.
type estateLike struct {
	t *testing.T
	s *snapshot.Snapshot
}

func newEstate(t *testing.T, namespaces ...string) *estateLike {
	s := collected(append([]snapshot.Resource{snapshot.ResNamespaces, snapshot.ResNetworkPolicies, snapshot.ResServices,
		snapshot.ResIngresses, snapshot.ResControlPlane}, owners.Inputs...)...)
	for _, ns := range namespaces {
		s.Namespaces = append(s.Namespaces, corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns,
			Labels: map[string]string{"kubernetes.io/metadata.name": ns}}})
	}
	return &estateLike{t: t, s: s}
}

func (e *estateLike) pod(nsName string, kv ...string) *estateLike {
	e.s.Pods = append(e.s.Pods, buildPod(nsName, kv...))
	return e
}

// buildPod builds the pod ns/name that pod describes.
func buildPod(nsName string, kv ...string) corev1.Pod {
	ns, name, _ := strings.Cut(nsName, "/")
	p := corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Labels: map[string]string{}},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app"}}}}
	for _, s := range kv {
		switch {
		case s == "hostNetwork":
			p.Spec.HostNetwork = true
		case strings.HasPrefix(s, "hostPort="):
			n, _ := strconv.Atoi(strings.TrimPrefix(s, "hostPort="))
			p.Spec.Containers[0].Ports = append(p.Spec.Containers[0].Ports, corev1.ContainerPort{ContainerPort: int32(n), HostPort: int32(n)})
		case strings.HasPrefix(s, "owner="):
			kind, oname, _ := strings.Cut(strings.TrimPrefix(s, "owner="), "/")
			p.OwnerReferences = []metav1.OwnerReference{{Kind: kind, Name: oname, UID: types.UID(kind + oname), Controller: ptr.To(true)}}
		default:
			k, v, _ := strings.Cut(s, "=")
			p.Labels[k] = v
		}
	}
	return p
}

// workload adds a controller ns/name of kind (Deployment, StatefulSet, DaemonSet, CronJob,
// ReplicaSet or Job) whose pod template is what pod would build from kv, with the UID that
// "owner=Kind/name" refers to. A Deployment comes with its ReplicaSet NAME-5d8f, a CronJob with
// its Job NAME-1, so that its pods are "owner=ReplicaSet/NAME-5d8f" or "owner=Job/NAME-1".
// replicas sets a Deployment's spec.replicas.
func (e *estateLike) workload(kind, nsName string, replicas int32, kv ...string) *estateLike {
	p := buildPod(nsName, kv...)
	t := corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: p.Labels}, Spec: p.Spec}
	ns, name := p.Namespace, p.Name
	meta := metav1.ObjectMeta{Namespace: ns, Name: name, UID: types.UID(kind + name)}
	switch kind {
	case "Deployment":
		e.s.Deployments = append(e.s.Deployments, appsv1.Deployment{ObjectMeta: meta,
			Spec: appsv1.DeploymentSpec{Replicas: ptr.To(replicas), Template: t}})
		rs := rsOwned(ns, name+"-5d8f", kind, name)
		rs.Spec.Template = t
		e.s.ReplicaSets = append(e.s.ReplicaSets, rs)
	case "StatefulSet":
		e.s.StatefulSets = append(e.s.StatefulSets, appsv1.StatefulSet{ObjectMeta: meta, Spec: appsv1.StatefulSetSpec{Template: t}})
	case "DaemonSet":
		e.s.DaemonSets = append(e.s.DaemonSets, appsv1.DaemonSet{ObjectMeta: meta, Spec: appsv1.DaemonSetSpec{Template: t}})
	case "ReplicaSet":
		e.s.ReplicaSets = append(e.s.ReplicaSets, appsv1.ReplicaSet{ObjectMeta: meta, Spec: appsv1.ReplicaSetSpec{Template: t}})
	case "Job":
		e.s.Jobs = append(e.s.Jobs, batchv1.Job{ObjectMeta: meta, Spec: batchv1.JobSpec{Template: t}})
	case "CronJob":
		e.s.CronJobs = append(e.s.CronJobs, batchv1.CronJob{ObjectMeta: meta,
			Spec: batchv1.CronJobSpec{JobTemplate: batchv1.JobTemplateSpec{Spec: batchv1.JobSpec{Template: t}}}})
		j := jobOwned(ns, name+"-1", kind, name)
		j.Spec.Template = t
		e.s.Jobs = append(e.s.Jobs, j)
	default:
		e.t.Fatalf("workload kind %s", kind)
	}
	return e
}

func (e *estateLike) policy(doc string) *estateLike {
	e.t.Helper()
	var np networkingv1.NetworkPolicy
	if err := yaml.UnmarshalStrict([]byte(strings.ReplaceAll(doc, "\t", "  ")), &np); err != nil {
		e.t.Fatalf("policy YAML: %v\n%s", err, doc)
	}
	e.s.NetworkPolicies = append(e.s.NetworkPolicies, np)
	return e
}

// byResource indexes results by resource string, failing on duplicates.
func byResource(t *testing.T, rs []checks.Result) map[string]checks.Result {
	t.Helper()
	m := map[string]checks.Result{}
	for _, r := range rs {
		k := r.Resource.String()
		if _, dup := m[k]; dup {
			t.Fatalf("two results for %s", k)
		}
		m[k] = r
	}
	return m
}

// expectAll compares every result with want (resource -> status and an evidence substring)
// and fails on results not wanted.
func expectAll(t *testing.T, rs []checks.Result, want map[string]wantResult) {
	t.Helper()
	got := byResource(t, rs)
	for k, w := range want {
		r, ok := got[k]
		if !ok {
			t.Errorf("%s: no result", k)
			continue
		}
		if r.Status != w.status {
			t.Errorf("%s: status %s, want %s (observed %q, reason %q)", k, r.Status, w.status, r.Evidence.Observed, r.Reason)
		}
		if !strings.Contains(r.Evidence.Observed+" "+r.Reason, w.text) {
			t.Errorf("%s: observed %q / reason %q lacks %q", k, r.Evidence.Observed, r.Reason, w.text)
		}
		if r.Status != checks.NotEvaluated && (r.Evidence.Expected == "" || r.Evidence.Where == "") {
			t.Errorf("%s: incomplete evidence %+v", k, r.Evidence)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("unexpected result for %s: %+v", k, got[k])
		}
	}
}

type wantResult struct {
	status checks.Status
	text   string
}

func rsOwned(ns, name, kind, owner string) appsv1.ReplicaSet {
	return appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, UID: types.UID("ReplicaSet" + name),
		OwnerReferences: []metav1.OwnerReference{{Kind: kind, Name: owner, UID: types.UID(kind + owner), Controller: ptr.To(true)}}}}
}

func jobOwned(ns, name, kind, owner string) batchv1.Job {
	return batchv1.Job{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, UID: types.UID("Job" + name),
		OwnerReferences: []metav1.OwnerReference{{Kind: kind, Name: owner, UID: types.UID(kind + owner), Controller: ptr.To(true)}}}}
}
