package workload

import (
	"fmt"
	"slices"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/internal/synth"
	"github.com/kubeposture/kubeposture/snapshot"
)

func rl(kv ...string) corev1.ResourceList {
	l := corev1.ResourceList{}
	for i := 0; i < len(kv); i += 2 {
		l[corev1.ResourceName(kv[i])] = resource.MustParse(kv[i+1])
	}
	return l
}

// full is a complete requirement; limitsOnly relies on requests defaulting to limits.
var (
	full       = corev1.ResourceRequirements{Requests: rl("cpu", "100m", "memory", "64Mi"), Limits: rl("cpu", "1", "memory", "128Mi")}
	limitsOnly = corev1.ResourceRequirements{Limits: rl("cpu", "1", "memory", "128Mi")}
)

func withResources(r corev1.ResourceRequirements) corev1.PodSpec {
	return with(func(s *corev1.PodSpec) { s.Containers[0].Resources = r })
}

func TestResourcesSet(t *testing.T) {
	p := res("Pod", "a", "p")
	bare := func(spec corev1.PodSpec) func(*snapshot.Snapshot) {
		return func(s *snapshot.Snapshot) { s.Pods = append(s.Pods, pod("a", "p", nil, spec)) }
	}
	tests := []struct {
		name  string
		build func(*snapshot.Snapshot)
		want  want
	}{
		{"all four set passes", bare(withResources(full)), want{res: p, status: checks.Pass, observed: []string{resourcesOK}}},
		{"limits only pass: requests default to limits", bare(withResources(limitsOnly)), want{res: p, status: checks.Pass}},
		{"nothing set fails naming all four", bare(restrictedSpec()), want{res: p, status: checks.Fail,
			observed: []string{`container "app" has no limits.cpu, requests.cpu, limits.memory, requests.memory`}}},
		{"requests only fail on the limits", bare(withResources(corev1.ResourceRequirements{Requests: rl("cpu", "1", "memory", "1Gi")})),
			want{res: p, status: checks.Fail, observed: []string{`container "app" has no limits.cpu, limits.memory`}}},
		{"memory limit missing", bare(withResources(corev1.ResourceRequirements{Requests: rl("cpu", "1", "memory", "1Gi"), Limits: rl("cpu", "1")})),
			want{res: p, status: checks.Fail, observed: []string{`container "app" has no limits.memory`}}},
		{"pod-level resources cover the containers", bare(with(func(s *corev1.PodSpec) {
			s.Resources = &corev1.ResourceRequirements{Requests: rl("cpu", "1", "memory", "1Gi"), Limits: rl("cpu", "2", "memory", "2Gi")}
		})), want{res: p, status: checks.Pass}},
		{"pod-level cpu, container-level memory", bare(with(func(s *corev1.PodSpec) {
			s.Resources = &corev1.ResourceRequirements{Limits: rl("cpu", "2")}
			s.Containers[0].Resources = corev1.ResourceRequirements{Limits: rl("memory", "1Gi")}
		})), want{res: p, status: checks.Pass}},
		{"pod-level requests without limits still fail", bare(with(func(s *corev1.PodSpec) {
			s.Resources = &corev1.ResourceRequirements{Requests: rl("cpu", "1", "memory", "1Gi")}
		})), want{res: p, status: checks.Fail, observed: []string{`has no limits.cpu, limits.memory`}}},
		{"an init container without limits fails beside a complete container", bare(with(func(s *corev1.PodSpec) {
			s.Containers[0].Resources = full
			s.InitContainers = []corev1.Container{{Name: "migrate", Image: "m@" + digest, Resources: corev1.ResourceRequirements{Limits: rl("cpu", "1")}}}
		})), want{res: p, status: checks.Fail, observed: []string{`initContainer "migrate" has no limits.memory, requests.memory`}}},
		{"ephemeral containers cannot set resources and are not judged", bare(with(func(s *corev1.PodSpec) {
			s.Containers[0].Resources = full
			s.EphemeralContainers = []corev1.EphemeralContainer{{EphemeralContainerCommon: corev1.EphemeralContainerCommon{Name: "debug", Image: "busybox"}}}
		})), want{res: p, status: checks.Pass}},
		{"template without limits, pods given them by a LimitRange: pass, noted", func(s *snapshot.Snapshot) {
			addDeployment(s, "shop", "web", restrictedSpec(), withResources(full), withResources(full))
		}, want{res: res("Deployment", "shop", "web"), status: checks.Pass, where: "spec.template.spec", observed: []string{
			`template: container "app" has no limits.cpu`, "(its pods have them: set at admission",
			"2 of 2 pods: " + resourcesOK}}},
		{"template and pods without limits: fail at the template", func(s *snapshot.Snapshot) {
			addDeployment(s, "shop", "web", restrictedSpec(), restrictedSpec())
		}, want{res: res("Deployment", "shop", "web"), status: checks.Fail, where: "spec.template.spec", observed: []string{
			`template and 1 of 1 pod: container "app" has no limits.cpu`}}},
		{"template complete, one pod resized without a memory limit: fail at the pods", func(s *snapshot.Snapshot) {
			addDeployment(s, "shop", "web", withResources(full), withResources(full),
				withResources(corev1.ResourceRequirements{Limits: rl("cpu", "1")}))
		}, want{res: res("Deployment", "shop", "web"), status: checks.Fail, where: "pod spec (the pods differ from spec.template.spec)",
			observed: []string{`1 of 2 pods (web-7d9f-b): container "app" has no limits.memory`}}},
		{"template without limits and no pods: warn, naming the LimitRange blind spot", func(s *snapshot.Snapshot) {
			addCronJob(s, "ops", "backup", restrictedSpec())
		}, want{res: res("CronJob", "ops", "backup"), status: checks.Warn, observed: []string{
			"template: container \"app\" has no limits.cpu", "a LimitRange may set defaults; the snapshot holds no LimitRanges", "no pods running"}}},
		{"a pod of more containers than the run's index packs is judged as any other", bare(with(func(s *corev1.PodSpec) {
			s.Containers[0].Resources = full
			for i := 0; i < maxGapContainers; i++ {
				s.Containers = append(s.Containers, corev1.Container{Name: fmt.Sprintf("side-%02d", i), Resources: full})
			}
			s.Containers[maxGapContainers].Resources = corev1.ResourceRequirements{Limits: rl("cpu", "1")}
		})), want{res: p, status: checks.Fail, observed: []string{`container "side-15" has no limits.memory, requests.memory`}}},
		{"complete template and no pods passes", func(s *snapshot.Snapshot) { addCronJob(s, "ops", "backup", withResources(full)) },
			want{res: res("CronJob", "ops", "backup"), status: checks.Pass, observed: []string{"template: " + resourcesOK + "; no pods running"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := collected()
			tt.build(s)
			expect(t, resourcesSet(s), []want{tt.want})
		})
	}
}

// TestResourceGapsIndex: the run's packed index gives each container the gaps a direct look
// at its resources gives.
func TestResourceGapsIndex(t *testing.T) {
	s := synth.Snapshot(300)
	s.Pods[3].Spec.InitContainers = append(s.Pods[3].Spec.InitContainers, corev1.Container{Name: "init", Resources: limitsOnly})
	s.Pods[4].Spec.Containers[0].Resources = corev1.ResourceRequirements{Requests: rl("memory", "1Gi")}
	index := resourceGaps(s)
	if len(index) < len(s.Pods) {
		t.Fatalf("%d specs indexed for %d pods", len(index), len(s.Pods))
	}
	seen := map[int]bool{}
	for i := range s.Pods {
		spec := &s.Pods[i].Spec
		var packed, direct []int
		gapsIn(index, spec, func(_ string, _ *corev1.Container, g int) bool { packed = append(packed, g); return true })
		gapsIn(nil, spec, func(_ string, _ *corev1.Container, g int) bool { direct = append(direct, g); return true })
		if !slices.Equal(packed, direct) {
			t.Errorf("pod %s: packed gaps %v, direct %v", s.Pods[i].Name, packed, direct)
		}
		for _, g := range direct {
			seen[g] = true
		}
	}
	if len(seen) < 2 {
		t.Errorf("gaps seen %v: the snapshot proves nothing", seen)
	}
}
