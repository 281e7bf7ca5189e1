/*
KP-WL-030 and KP-WL-031: containers set a CPU limit (NSA/CISA, kubescape C-0270), and a memory
limit (C-0271).

Source: NSA/CISA Kubernetes Hardening Guide v1.2, "Network separation and hardening: resource
policies", as kubescape ids its two areas: C-0270 "Ensure CPU limits are set" and C-0271 "Ensure
memory limits are set" ("identifies all Pods for which the CPU (memory) limits are not set").
Each is one of the four values KP-WL-023 asks for, judged by its rules (resources_set.go): what
runs is judged, the admitted pods when there are some (a LimitRange fills in defaults at
admission), the template when none runs (WARN: admission may fill it); a pod-level
spec.resources limit bounds the containers that set none. Init containers count as in KP-WL-023
(they run, unbounded without a limit); kubescape reads spec.containers only.

Fields read: resources.limits.cpu (C-0270) or resources.limits.memory (C-0271) of containers
and initContainers, and of the pod-level spec.resources.

	PASS  every container of every pod has the limit (its own, or the pod's)
	FAIL  a pod with a container without it; the template too when its pods lack it
	WARN  a template without it and no pod running
*/

package workload

import (
	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

// resourceLimit is a control that asks for one resource limit.
type resourceLimit struct {
	id, title, nsa, resource string
	mask                     int
}

var resourceLimits = []resourceLimit{
	{id: "KP-WL-030", title: "Containers set a CPU limit", nsa: "C-0270", resource: "cpu", mask: gapLimitCPU},
	{id: "KP-WL-031", title: "Containers set a memory limit", nsa: "C-0271", resource: "memory", mask: gapLimitMemory},
}

func init() {
	for _, l := range resourceLimits {
		checks.Register(l.check())
	}
}

func (l resourceLimit) check() checks.Check {
	return checks.Check{
		Control: checks.Control{
			ID:       l.id,
			Title:    l.title,
			Layer:    checks.Workload,
			Severity: checks.Medium,
			Description: "A container without a " + l.resource + " limit can take its node's " + l.resource +
				" from every other pod on it, through a bug or an attacker. Judged on the running pods, " +
				"which carry what a namespace's LimitRange supplied at admission.",
			Remediation: "Set resources.limits." + l.resource + " on every container and init container of " +
				"the pod template (or pod-level spec.resources), and give each namespace a LimitRange " +
				"with a default.",
			References: checks.References{NSA: []string{l.nsa}},
		},
		Inputs: inputs,
		Evaluate: func(s *snapshot.Snapshot) []checks.Result {
			return resourcesJudged(s, l.mask, l.resource+" limit set on every container",
				"resources.limits."+l.resource+" on every container and initContainer (or pod-level "+
					"spec.resources); judged on the running pods when there are some")
		},
	}
}
