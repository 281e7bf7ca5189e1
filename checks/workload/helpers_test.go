package workload

import (
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

// Builders for minimal snapshots. Every spec starts from a fully restricted one, so a test
// case changes exactly the field it is about.

func collected() *snapshot.Snapshot {
	s := snapshot.New()
	for _, r := range inputs {
		s.Resources[r] = snapshot.Collection{State: snapshot.Collected}
	}
	return s
}

func ptr[T any](v T) *T { return &v }

// restrictedSC is a container security context that passes the restricted level on its own.
func restrictedSC() *corev1.SecurityContext {
	return &corev1.SecurityContext{
		RunAsNonRoot:             ptr(true),
		AllowPrivilegeEscalation: ptr(false),
		Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
		SeccompProfile:           &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
	}
}

func restrictedSpec() corev1.PodSpec {
	return corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "app:1", SecurityContext: restrictedSC()}}}
}

func with(f func(*corev1.PodSpec)) corev1.PodSpec {
	s := restrictedSpec()
	f(&s)
	return s
}

func controller(kind, name string, uid types.UID) []metav1.OwnerReference {
	return []metav1.OwnerReference{{Kind: kind, Name: name, UID: uid, Controller: ptr(true)}}
}

func meta(ns, name string, uid types.UID, owners []metav1.OwnerReference) metav1.ObjectMeta {
	return metav1.ObjectMeta{Namespace: ns, Name: name, UID: uid, OwnerReferences: owners}
}

func pod(ns, name string, owners []metav1.OwnerReference, spec corev1.PodSpec) corev1.Pod {
	return corev1.Pod{ObjectMeta: meta(ns, name, types.UID("pod-"+ns+"-"+name), owners), Spec: spec}
}

func template(spec corev1.PodSpec) corev1.PodTemplateSpec {
	return corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "x"}}, Spec: spec}
}

// addDeployment adds a Deployment, its ReplicaSet and one pod per spec in pods.
func addDeployment(s *snapshot.Snapshot, ns, name string, tmpl corev1.PodSpec, pods ...corev1.PodSpec) {
	duid, rsuid := types.UID("deploy-"+ns+"-"+name), types.UID("rs-"+ns+"-"+name)
	s.Deployments = append(s.Deployments, appsv1.Deployment{
		ObjectMeta: meta(ns, name, duid, nil),
		Spec:       appsv1.DeploymentSpec{Template: template(tmpl)},
	})
	s.ReplicaSets = append(s.ReplicaSets, appsv1.ReplicaSet{
		ObjectMeta: meta(ns, name+"-7d9f", rsuid, controller("Deployment", name, duid)),
		Spec:       appsv1.ReplicaSetSpec{Template: template(tmpl)},
	})
	for i, p := range pods {
		s.Pods = append(s.Pods, pod(ns, name+"-7d9f-"+string(rune('a'+i)), controller("ReplicaSet", name+"-7d9f", rsuid), p))
	}
}

// addCronJob adds a CronJob, one Job it created and one pod per spec in pods.
func addCronJob(s *snapshot.Snapshot, ns, name string, tmpl corev1.PodSpec, pods ...corev1.PodSpec) {
	cuid, juid := types.UID("cron-"+ns+"-"+name), types.UID("job-"+ns+"-"+name)
	s.CronJobs = append(s.CronJobs, batchv1.CronJob{
		ObjectMeta: meta(ns, name, cuid, nil),
		Spec: batchv1.CronJobSpec{JobTemplate: batchv1.JobTemplateSpec{
			Spec: batchv1.JobSpec{Template: template(tmpl)}}},
	})
	s.Jobs = append(s.Jobs, batchv1.Job{
		ObjectMeta: meta(ns, name+"-2900", juid, controller("CronJob", name, cuid)),
		Spec:       batchv1.JobSpec{Template: template(tmpl)},
	})
	for i, p := range pods {
		s.Pods = append(s.Pods, pod(ns, name+"-2900-"+string(rune('a'+i)), controller("Job", name+"-2900", juid), p))
	}
}

// want is the expected result for one resource.
type want struct {
	res    checks.Resource
	status checks.Status
	// observed and where are substrings the evidence must contain.
	observed []string
	where    string
}

// expect compares results with wants: exactly one result per wanted resource, and no other.
func expect(t *testing.T, got []checks.Result, wants []want) {
	t.Helper()
	byRes := map[checks.Resource][]checks.Result{}
	for _, r := range got {
		byRes[r.Resource] = append(byRes[r.Resource], r)
	}
	if len(got) != len(wants) {
		t.Errorf("got %d results, want %d: %+v", len(got), len(wants), got)
	}
	for _, w := range wants {
		rs := byRes[w.res]
		if len(rs) != 1 {
			t.Errorf("%s: got %d results, want 1 (all: %+v)", w.res, len(rs), got)
			continue
		}
		r := rs[0]
		if r.Status != w.status {
			t.Errorf("%s: status %s, want %s (evidence %+v)", w.res, r.Status, w.status, r.Evidence)
		}
		for _, sub := range w.observed {
			if !strings.Contains(r.Evidence.Observed, sub) {
				t.Errorf("%s: observed %q does not contain %q", w.res, r.Evidence.Observed, sub)
			}
		}
		if w.where != "" && r.Evidence.Where != w.where {
			t.Errorf("%s: where %q, want %q", w.res, r.Evidence.Where, w.where)
		}
		if r.Evidence.Expected == "" {
			t.Errorf("%s: empty Evidence.Expected", w.res)
		}
	}
}

func res(kind, ns, name string) checks.Resource {
	return checks.Resource{Kind: kind, Namespace: ns, Name: name}
}
