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
	index := resourceGaps(s)
	msgs := gapMessages{index: index, mask: mask, ls: newLines()}
	texts := unitTexts{}
	out := make([]checks.Result, 0, len(us))
	for i := range us {
		u := &us[i]
		podsFail := false
		for _, p := range u.pods {
			if hasGaps(index, &p.Spec, mask) {
				podsFail = true
				break
			}
		}
		out = append(out, u.gradedWith(texts, func(m *metav1.ObjectMeta, spec *corev1.PodSpec) (checks.Status, string) {
			msg := msgs.of(spec)
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

// specGaps is what each container of a pod spec lacks of the four values, 4 bits each, init
// containers first, for a spec of at most 16 of them. The three controls that read the values
// (KP-WL-023, 030, 031) share one run's index of them (resourceGaps) instead of each looking
// every value up again in every container of every replica.
type specGaps uint64

const maxGapContainers = 16

// gapsOf computes spec's gaps; ok is false when it has too many containers to pack.
func gapsOf(spec *corev1.PodSpec) (g specGaps, ok bool) {
	if len(spec.InitContainers)+len(spec.Containers) > maxGapContainers {
		return 0, false
	}
	pod := podResources(spec)
	i := 0
	for j := range spec.InitContainers {
		g |= specGaps(gaps(&spec.InitContainers[j], pod)) << (4 * i)
		i++
	}
	for j := range spec.Containers {
		g |= specGaps(gaps(&spec.Containers[j], pod)) << (4 * i)
		i++
	}
	return g, true
}

// at is the gaps of the i-th container (init containers first).
func (g specGaps) at(i int) int { return int(g>>(4*i)) & 0xf }

type resourceGapsKey struct{}

// resourceGaps indexes, once per run, the gaps of every pod spec of the snapshot's workload
// units that gapsOf can pack.
func resourceGaps(s *snapshot.Snapshot) map[*corev1.PodSpec]specGaps {
	return checks.Memo(s, resourceGapsKey{}, func() map[*corev1.PodSpec]specGaps {
		us := units(s)
		n := 0
		for i := range us {
			n += len(us[i].pods) + 1
		}
		index := make(map[*corev1.PodSpec]specGaps, n)
		add := func(spec *corev1.PodSpec) {
			if g, ok := gapsOf(spec); ok {
				index[spec] = g
			}
		}
		for i := range us {
			if t := us[i].template; t != nil {
				add(&t.Spec)
			}
			for _, p := range us[i].pods {
				add(&p.Spec)
			}
		}
		return index
	})
}

// gapsIn calls f with the gaps of each container and init container of spec, from index when
// it has spec; it stops when f returns false.
func gapsIn(index map[*corev1.PodSpec]specGaps, spec *corev1.PodSpec, f func(kind string, c *corev1.Container, g int) bool) {
	g, packed := index[spec]
	var pod *corev1.ResourceRequirements
	if !packed {
		pod = podResources(spec)
	}
	i := 0
	visit := func(kind string, c *corev1.Container) bool {
		var cg int
		if packed {
			cg = g.at(i)
		} else {
			cg = gaps(c, pod)
		}
		i++
		return f(kind, c, cg)
	}
	for j := range spec.InitContainers {
		if !visit("initContainer", &spec.InitContainers[j]) {
			return
		}
	}
	for j := range spec.Containers {
		if !visit("container", &spec.Containers[j]) {
			return
		}
	}
}

// hasGaps reports whether a container or init container of spec lacks one of the values of
// mask.
func hasGaps(index map[*corev1.PodSpec]specGaps, spec *corev1.PodSpec, mask int) bool {
	found := false
	gapsIn(index, spec, func(_ string, _ *corev1.Container, g int) bool {
		found = g&mask != 0
		return !found
	})
	return found
}

// gapMessages writes the missing values of spec after spec for one control's call, reusing the
// last spec's message when the next has the same packed gaps and container names (a
// workload's replicas, one after another).
type gapMessages struct {
	index map[*corev1.PodSpec]specGaps
	mask  int
	ls    *lines
	last  *corev1.PodSpec
	msg   string
}

func (m *gapMessages) of(spec *corev1.PodSpec) string {
	if m.last != nil && m.sameAsLast(spec) {
		return m.msg
	}
	m.last, m.msg = spec, missingResources(m.index, spec, m.mask, m.ls)
	return m.msg
}

// sameAsLast reports whether spec's message is the last spec's: both packed, with the same
// gaps and the same containers' names in the same places.
func (m *gapMessages) sameAsLast(spec *corev1.PodSpec) bool {
	g, ok := m.index[spec]
	lg, lok := m.index[m.last]
	if !ok || !lok || g != lg || len(spec.InitContainers) != len(m.last.InitContainers) || len(spec.Containers) != len(m.last.Containers) {
		return false
	}
	for i := range spec.InitContainers {
		if spec.InitContainers[i].Name != m.last.InitContainers[i].Name {
			return false
		}
	}
	for i := range spec.Containers {
		if spec.Containers[i].Name != m.last.Containers[i].Name {
			return false
		}
	}
	return true
}

// missingResources lists, per container and init container, the values of mask that are
// neither set on it nor on the pod; "" when none is missing.
func missingResources(index map[*corev1.PodSpec]specGaps, spec *corev1.PodSpec, mask int, ls *lines) string {
	var f findings
	gapsIn(index, spec, func(kind string, c *corev1.Container, g int) bool {
		if g &= mask; g != 0 {
			ls.add(&f, kind, c, gapNames[g], func() (checks.Status, string) { return checks.Fail, "has no " + gapNames[g] })
		}
		return true
	})
	_, msg := f.resultWith(ls)
	return msg
}

func has(l corev1.ResourceList, name corev1.ResourceName) bool {
	_, ok := l[name]
	return ok
}
