/*
KP-WL-023: containers set CPU and memory requests and limits.

Source: NSA/CISA Kubernetes Hardening Guide v1.2, "Network separation and hardening: resource
policies": without limits a compromised or faulty container can exhaust its node (denial of
service to every pod on it); without requests the scheduler places it blind and it is evicted
first. Kubernetes documentation, "Resource Management for Pods and Containers", and "Pod-level
resources" (spec.resources). The guide's areas as kubescape ids them ask for the limits alone,
one each (C-0270 CPU limits, C-0271 memory limits): KP-WL-030 and KP-WL-031 (resources_limits.go)
decide those, with this control's rules for the one value each reads; this one asks for all four
values and claims neither.

Unit: each top-level workload (see workloads.go). What is judged is what runs: the admitted
pods, when the unit has some, because a namespace's LimitRange fills in defaults at
admission (and in-place resize or a vertical autoscaler changes them later), so a template
without limits can run pods that have them; the collector keeps pods' resources
(collect/listers.go compactPod). The template is judged only when no pod runs. The snapshot
holds no LimitRanges or ResourceQuotas (the collector does not list them), so a template
alone cannot tell whether admission would fill the gap.

Fields read, in containers and initContainers (ephemeral containers cannot set resources:
the API rejects them), and the pod-level spec.resources:

	resources.requests.cpu, resources.requests.memory, resources.limits.cpu,
	resources.limits.memory

A value counts when the container sets it, or the pod-level spec.resources sets it (it bounds
and shares among the containers that set none). A request counts when the same resource's
limit is set: the API server defaults a missing request to the limit.

	FAIL  a pod (bare, or of a workload) with a container that lacks one of the four; the
	      template too when its pods lack what it lacks
	WARN  a template lacking one, with no pod running to show what admission gives it
	PASS  every container of every pod has all four (a template lacking one whose pods have
	      them is noted in the evidence: admission supplied them)
*/

package workload

import (
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:       "KP-WL-023",
			Title:    "Containers set CPU and memory requests and limits",
			Layer:    checks.Workload,
			Severity: checks.Medium,
			Description: "A container without a memory or CPU limit can take its node's resources " +
				"from every other pod on it, whether through a bug or an attacker (a fork bomb, a " +
				"cryptominer); without requests the scheduler cannot place it safely and it is " +
				"evicted first. Judged on the running pods, which carry what a namespace's " +
				"LimitRange supplied at admission.",
			Remediation: "Set resources.requests and resources.limits for cpu and memory on every " +
				"container and init container of the pod template (or pod-level spec.resources), and " +
				"give each namespace a LimitRange with defaults and a ResourceQuota, so that a " +
				"workload that forgets them still gets bounded values.",
		},
		Inputs:   inputs,
		Evaluate: resourcesSet,
	})
}

const resourcesOK = "cpu and memory requests and limits set on every container"

func resourcesSet(s *snapshot.Snapshot) []checks.Result {
	return resourcesJudged(s, gapsAll, resourcesOK, "resources.requests and resources.limits for cpu and "+
		"memory on every container and initContainer (or pod-level spec.resources); judged on the running "+
		"pods when there are some")
}

// resourcesJudged judges every unit for the values of mask (gap bits): each running pod's
// containers, and the template when no pod runs (see the doc comment).
func resourcesJudged(s *snapshot.Snapshot, mask int, ok, expected string) []checks.Result {
	us := units(s)
	ls := newLines()
	out := make([]checks.Result, 0, len(us))
	for i := range us {
		u := &us[i]
		podsFail := false
		for _, p := range u.pods {
			if hasGaps(&p.Spec, mask) {
				podsFail = true
				break
			}
		}
		out = append(out, u.graded(func(m *metav1.ObjectMeta, spec *corev1.PodSpec) (checks.Status, string) {
			msg := missingResources(spec, mask, ls)
			switch {
			case msg == "":
				return checks.Pass, ""
			case u.template == nil || m != &u.template.ObjectMeta: // a pod
				return checks.Fail, msg
			case len(u.pods) == 0:
				return checks.Warn, msg + " (no pod runs to show what admission gives it: a LimitRange may set " +
					"defaults; the snapshot holds no LimitRanges)"
			case podsFail:
				return checks.Fail, msg
			default:
				return checks.Pass, msg + " (its pods have them: set at admission, by a LimitRange's defaults)"
			}
		}, ok, expected))
	}
	return out
}

// Gaps of a container, as bits: what it lacks of the four values.
const (
	gapLimitCPU = 1 << iota
	gapRequestCPU
	gapLimitMemory
	gapRequestMemory

	gapsAll = gapLimitCPU | gapRequestCPU | gapLimitMemory | gapRequestMemory
)

// gapNames names each combination of gaps, built once so that a message costs no allocation.
var gapNames = func() (names [16]string) {
	for g := 1; g < 16; g++ {
		var parts []string
		for bit, name := range []string{"limits.cpu", "requests.cpu", "limits.memory", "requests.memory"} {
			if g&(1<<bit) != 0 {
				parts = append(parts, name)
			}
		}
		names[g] = strings.Join(parts, ", ")
	}
	return names
}()

// gaps returns what c lacks of the four values, counting the pod-level ones (pod) and a
// request defaulted from its limit.
func gaps(c *corev1.Container, pod *corev1.ResourceRequirements) int {
	g := 0
	if !has(c.Resources.Limits, corev1.ResourceCPU) && !has(pod.Limits, corev1.ResourceCPU) {
		g |= gapLimitCPU
		if !has(c.Resources.Requests, corev1.ResourceCPU) && !has(pod.Requests, corev1.ResourceCPU) {
			g |= gapRequestCPU
		}
	}
	if !has(c.Resources.Limits, corev1.ResourceMemory) && !has(pod.Limits, corev1.ResourceMemory) {
		g |= gapLimitMemory
		if !has(c.Resources.Requests, corev1.ResourceMemory) && !has(pod.Requests, corev1.ResourceMemory) {
			g |= gapRequestMemory
		}
	}
	return g
}

func podResources(spec *corev1.PodSpec) *corev1.ResourceRequirements {
	if spec.Resources != nil {
		return spec.Resources
	}
	return &corev1.ResourceRequirements{}
}

// hasGaps reports whether a container or init container of spec lacks one of the values of
// mask.
func hasGaps(spec *corev1.PodSpec, mask int) bool {
	pod := podResources(spec)
	for i := range spec.InitContainers {
		if gaps(&spec.InitContainers[i], pod)&mask != 0 {
			return true
		}
	}
	for i := range spec.Containers {
		if gaps(&spec.Containers[i], pod)&mask != 0 {
			return true
		}
	}
	return false
}

// missingResources lists, per container and init container, the values of mask that are
// neither set on it nor on the pod; "" when none is missing.
func missingResources(spec *corev1.PodSpec, mask int, ls *lines) string {
	pod := podResources(spec)
	var f findings
	check := func(kind string, c *corev1.Container) {
		if g := gaps(c, pod) & mask; g != 0 {
			ls.add(&f, kind, c, gapNames[g], func() (checks.Status, string) { return checks.Fail, "has no " + gapNames[g] })
		}
	}
	for i := range spec.InitContainers {
		check("initContainer", &spec.InitContainers[i])
	}
	for i := range spec.Containers {
		check("container", &spec.Containers[i])
	}
	_, msg := f.resultWith(ls)
	return msg
}

func has(l corev1.ResourceList, name corev1.ResourceName) bool {
	_, ok := l[name]
	return ok
}
