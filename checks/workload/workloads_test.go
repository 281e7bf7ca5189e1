package workload

import (
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

// TestUnits checks the ownership resolution: which top-level object each pod folds into.
func TestUnits(t *testing.T) {
	spec := restrictedSpec()
	tests := []struct {
		name  string
		build func(s *snapshot.Snapshot)
		// want maps each unit to its number of pods.
		want map[checks.Resource]int
	}{
		{
			name:  "deployment folds its replicaset and pods",
			build: func(s *snapshot.Snapshot) { addDeployment(s, "shop", "web", spec, spec, spec, spec) },
			want:  map[checks.Resource]int{res("Deployment", "shop", "web"): 3},
		},
		{
			name:  "cronjob folds its job and pods",
			build: func(s *snapshot.Snapshot) { addCronJob(s, "ops", "backup", spec, spec) },
			want:  map[checks.Resource]int{res("CronJob", "ops", "backup"): 1},
		},
		{
			name: "replicaset without deployment in the snapshot is a unit",
			build: func(s *snapshot.Snapshot) {
				s.ReplicaSets = append(s.ReplicaSets, appsv1.ReplicaSet{
					ObjectMeta: meta("a", "rs", "rs-uid", controller("Rollout", "r", "rollout-uid")),
					Spec:       appsv1.ReplicaSetSpec{Template: template(spec)},
				})
				s.Pods = append(s.Pods, pod("a", "rs-x", controller("ReplicaSet", "rs", "rs-uid"), spec))
			},
			want: map[checks.Resource]int{res("ReplicaSet", "a", "rs"): 1},
		},
		{
			name: "job without cronjob is a unit",
			build: func(s *snapshot.Snapshot) {
				s.Jobs = append(s.Jobs, batchv1.Job{ObjectMeta: meta("a", "migrate", "job-uid", nil),
					Spec: batchv1.JobSpec{Template: template(spec)}})
				s.Pods = append(s.Pods, pod("a", "migrate-x", controller("Job", "migrate", "job-uid"), spec))
			},
			want: map[checks.Resource]int{res("Job", "a", "migrate"): 1},
		},
		{
			name: "statefulset and daemonset own their pods",
			build: func(s *snapshot.Snapshot) {
				s.StatefulSets = append(s.StatefulSets, appsv1.StatefulSet{ObjectMeta: meta("a", "db", "sts-uid", nil),
					Spec: appsv1.StatefulSetSpec{Template: template(spec)}})
				s.DaemonSets = append(s.DaemonSets, appsv1.DaemonSet{ObjectMeta: meta("a", "agent", "ds-uid", nil),
					Spec: appsv1.DaemonSetSpec{Template: template(spec)}})
				s.Pods = append(s.Pods,
					pod("a", "db-0", controller("StatefulSet", "db", "sts-uid"), spec),
					pod("a", "db-1", controller("StatefulSet", "db", "sts-uid"), spec),
					pod("a", "agent-x", controller("DaemonSet", "agent", "ds-uid"), spec))
			},
			want: map[checks.Resource]int{res("StatefulSet", "a", "db"): 2, res("DaemonSet", "a", "agent"): 1},
		},
		{
			name: "pod whose controller is missing is bare; so is a mirror pod owned by its node",
			build: func(s *snapshot.Snapshot) {
				s.Pods = append(s.Pods,
					pod("a", "orphan", controller("ReplicaSet", "gone", "gone-uid"), spec),
					pod("kube-system", "etcd-n1", controller("Node", "n1", "node-uid"), spec),
					pod("a", "plain", nil, spec))
			},
			want: map[checks.Resource]int{
				res("Pod", "a", "orphan"): 1, res("Pod", "kube-system", "etcd-n1"): 1, res("Pod", "a", "plain"): 1},
		},
		{
			name: "owner matched by uid, not name: same-named deployment elsewhere is not the owner",
			build: func(s *snapshot.Snapshot) {
				addDeployment(s, "a", "web", spec)
				s.Pods = append(s.Pods, pod("b", "web-7d9f-z", controller("ReplicaSet", "web-7d9f", "other-uid"), spec))
			},
			want: map[checks.Resource]int{res("Deployment", "a", "web"): 0, res("Pod", "b", "web-7d9f-z"): 1},
		},
		{
			name: "kind must match: a uid owned as the wrong kind does not fold",
			build: func(s *snapshot.Snapshot) {
				addDeployment(s, "a", "web", spec)
				s.Pods = append(s.Pods, pod("a", "odd", controller("StatefulSet", "web", "deploy-a-web"), spec))
			},
			want: map[checks.Resource]int{res("Deployment", "a", "web"): 0, res("Pod", "a", "odd"): 1},
		},
		{
			name: "non-controller owner reference is ignored",
			build: func(s *snapshot.Snapshot) {
				addDeployment(s, "a", "web", spec)
				p := pod("a", "adopted", controller("ReplicaSet", "web-7d9f", "rs-a-web"), spec)
				p.OwnerReferences[0].Controller = ptr(false)
				s.Pods = append(s.Pods, p)
			},
			want: map[checks.Resource]int{res("Deployment", "a", "web"): 0, res("Pod", "a", "adopted"): 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := collected()
			tt.build(s)
			got := map[checks.Resource]int{}
			for _, u := range units(s) {
				if _, dup := got[u.res]; dup {
					t.Errorf("unit %s listed twice", u.res)
				}
				got[u.res] = len(u.pods)
			}
			if len(got) != len(tt.want) {
				t.Errorf("units %v, want %v", got, tt.want)
			}
			for r, n := range tt.want {
				if m, ok := got[r]; !ok || m != n {
					t.Errorf("unit %s: %d pods (present %v), want %d", r, m, ok, n)
				}
			}
		})
	}
}

// TestVerdictEvidence checks how a unit's objects are folded into one line of evidence.
func TestVerdictEvidence(t *testing.T) {
	bad := with(func(s *corev1.PodSpec) { s.Containers[0].Name = "bad" })
	good := restrictedSpec()
	// The judge fails pods whose first container is named "bad".
	judgeName := func(_ *metav1.ObjectMeta, spec *corev1.PodSpec) string {
		if spec.Containers[0].Name == "bad" {
			return "bad container"
		}
		return ""
	}
	tests := []struct {
		name     string
		tmpl     corev1.PodSpec
		pods     []corev1.PodSpec
		status   checks.Status
		observed string
		where    string
	}{
		{"all pass", good, []corev1.PodSpec{good, good}, checks.Pass,
			"template and 2 of 2 pods: ok", "spec.template.spec"},
		{"no pods", good, nil, checks.Pass,
			"template: ok; no pods running", "spec.template.spec"},
		{"template and all pods fail", bad, []corev1.PodSpec{bad, bad, bad}, checks.Fail,
			"template and 3 of 3 pods: bad container", "spec.template.spec"},
		{"template fails, pods pass", bad, []corev1.PodSpec{good, good}, checks.Fail,
			"template: bad container | 2 of 2 pods: ok", "spec.template.spec"},
		{"template fails, no pods", bad, nil, checks.Fail,
			"template: bad container | no pods running", "spec.template.spec"},
		{"one pod differs", good, []corev1.PodSpec{good, bad, good}, checks.Fail,
			"1 of 3 pods (web-7d9f-b): bad container | template and 2 of 3 pods: ok",
			"pod spec (the pods differ from spec.template.spec)"},
		{"names capped", good, []corev1.PodSpec{bad, bad, bad, bad, bad, good}, checks.Fail,
			"5 of 6 pods (web-7d9f-a, web-7d9f-b, web-7d9f-c, +2 more): bad container | template and 1 of 6 pods: ok",
			"pod spec (the pods differ from spec.template.spec)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := collected()
			addDeployment(s, "shop", "web", tt.tmpl, tt.pods...)
			got := evaluateUnits(s, judgeName, "ok", "fine")
			if len(got) != 1 {
				t.Fatalf("got %d results, want 1: %+v", len(got), got)
			}
			r := got[0]
			if r.Status != tt.status || r.Evidence.Observed != tt.observed || r.Evidence.Where != tt.where {
				t.Errorf("got %s %q at %q\nwant %s %q at %q", r.Status, r.Evidence.Observed, r.Evidence.Where,
					tt.status, tt.observed, tt.where)
			}
		})
	}
}
