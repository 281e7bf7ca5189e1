package node

import (
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

var controlPlaneTaint = corev1.Taint{Key: "node-role.kubernetes.io/control-plane", Effect: corev1.TaintEffectNoSchedule}

func agentDS(name, image string, ready int32, tolerations ...corev1.Toleration) appsv1.DaemonSet {
	ds := appsv1.DaemonSet{ObjectMeta: metav1.ObjectMeta{Namespace: "falco", Name: name, UID: types.UID("uid-" + name)}}
	ds.Spec.Template.Spec.Containers = []corev1.Container{{Name: "agent", Image: image}}
	ds.Spec.Template.Spec.Tolerations = tolerations
	ds.Status.DesiredNumberScheduled, ds.Status.NumberReady = 2, ready
	return ds
}

func agentPod(ds *appsv1.DaemonSet, node string, phase corev1.PodPhase) corev1.Pod {
	p := corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: ds.Namespace, Name: ds.Name + "-" + node,
		OwnerReferences: []metav1.OwnerReference{{Kind: "DaemonSet", Name: ds.Name, UID: ds.UID}}}}
	p.Spec.NodeName = node
	p.Status.Phase = phase
	return p
}

func TestRuntimeDetection(t *testing.T) {
	worker := nodeObj("worker", "v1.34.1", corev1.ConditionTrue)
	cp := nodeObj("cp", "v1.34.1", corev1.ConditionTrue)
	cp.Spec.Taints = []corev1.Taint{controlPlaneTaint}
	tolerateAll := corev1.Toleration{Operator: corev1.TolerationOpExists}
	falco := agentDS("falco", "docker.io/falcosecurity/falco:0.41.3", 2, tolerateAll)
	for _, tc := range []struct {
		name     string
		ds       []appsv1.DaemonSet
		pods     []corev1.Pod // nil: pods not collected
		want     map[string]checks.Status
		observed string
	}{
		{name: "falco everywhere", ds: []appsv1.DaemonSet{falco}, want: map[string]checks.Status{"cp": checks.Pass, "worker": checks.Pass}},
		{name: "nothing", ds: []appsv1.DaemonSet{agentDS("fluentd", "fluent/fluentd:v1.16", 2)},
			want: map[string]checks.Status{"cp": checks.Warn, "worker": checks.Warn}, observed: "no recognised runtime-detection agent"},
		{name: "no control-plane toleration", ds: []appsv1.DaemonSet{agentDS("tetragon", "quay.io/cilium/tetragon:v1.5.0", 2)},
			want: map[string]checks.Status{"cp": checks.Warn, "worker": checks.Pass}, observed: "do not tolerate"},
		{name: "end of life", ds: []appsv1.DaemonSet{agentDS("falco", "falcosecurity/falco-no-driver:0.35.1", 2, tolerateAll)},
			want: map[string]checks.Status{"cp": checks.Warn, "worker": checks.Warn}, observed: "end of life"},
		{name: "digest says nothing of the version", ds: []appsv1.DaemonSet{agentDS("falco", "falcosecurity/falco@sha256:"+strings.Repeat("a", 64), 2, tolerateAll)},
			want: map[string]checks.Status{"cp": checks.Pass, "worker": checks.Pass}},
		{name: "status counts without pods", ds: []appsv1.DaemonSet{agentDS("falco", "falcosecurity/falco:0.41.3", 1, tolerateAll)},
			want: map[string]checks.Status{"cp": checks.Warn, "worker": checks.Warn}, observed: "1 of 2 pods ready"},
		{name: "pods say which node", ds: []appsv1.DaemonSet{falco},
			pods: []corev1.Pod{agentPod(&falco, "worker", corev1.PodRunning), agentPod(&falco, "cp", corev1.PodPending)},
			want: map[string]checks.Status{"cp": checks.Warn, "worker": checks.Pass}, observed: "is Pending"},
		{name: "no pod on a node", ds: []appsv1.DaemonSet{falco},
			pods: []corev1.Pod{agentPod(&falco, "worker", corev1.PodRunning)},
			want: map[string]checks.Status{"cp": checks.Warn, "worker": checks.Pass}, observed: "no pod of it runs"},
		{name: "commercial agent", ds: []appsv1.DaemonSet{agentDS("sensor", "registry.crowdstrike.com/falcon-sensor/us-1/release/falcon-sensor:7.20", 2, tolerateAll)},
			want: map[string]checks.Status{"cp": checks.Pass, "worker": checks.Pass}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := nodesSnap("v1.34.1", worker, cp)
			s.DaemonSets = tc.ds
			s.Resources[snapshot.ResDaemonSets] = snapshot.Collection{State: snapshot.Collected}
			if tc.pods != nil {
				s.Pods = tc.pods
				s.Resources[snapshot.ResPods] = snapshot.Collection{State: snapshot.Collected}
			}
			got := map[string]checks.Status{}
			var observed []string
			for _, r := range runtimeDetection(s) {
				for _, n := range []string{"cp", "worker"} {
					if r.Resource.Name == n || strings.Contains(r.Evidence.Where, " "+n) {
						got[n] = r.Status
					}
				}
				observed = append(observed, r.Evidence.Observed)
			}
			for n, want := range tc.want {
				if got[n] != want {
					t.Errorf("node %s: %s, want %s (%q)", n, got[n], want, observed)
				}
			}
			if tc.observed != "" && !strings.Contains(strings.Join(observed, "\n"), tc.observed) {
				t.Errorf("observed %q lacks %q", observed, tc.observed)
			}
		})
	}
}

func TestRuntimeDetectionNotEvaluatedWithoutDaemonSets(t *testing.T) {
	s := nodesSnap("v1.34.1", nodeObj("worker", "v1.34.1", corev1.ConditionTrue))
	s.Resources[snapshot.ResDaemonSets] = snapshot.Collection{State: snapshot.Forbidden}
	var c checks.Check
	for _, r := range checks.Registered() {
		if r.ID == "KP-NODE-060" {
			c = r
		}
	}
	rep := checks.Run(s, []checks.Check{c}, checks.Selection{})
	if st := rep.Controls[0].Status; st != checks.NotEvaluated {
		t.Errorf("DaemonSets forbidden: %s, want NOT_EVALUATED", st)
	}
}
