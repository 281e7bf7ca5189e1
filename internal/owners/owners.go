// Package owners indexes a snapshot's top-level workloads: each Deployment, StatefulSet,
// DaemonSet, CronJob, ReplicaSet or Job without a controller, and bare pod, with the pods it
// owns. It is what checks report on ("a Deployment with 300 replicas is one result"), shared by
// the workload checks (checks/workload) and the RBAC checks about pods (checks/rbac).
package owners

import (
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kubeposture/kubeposture/snapshot"
)

// Inputs are the resources Index reads: a check built on it must list them all, or a pod whose
// owner was not collected would be taken for a bare pod.
var Inputs = []snapshot.Resource{
	snapshot.ResPods,
	snapshot.ResDeployments,
	snapshot.ResStatefulSets,
	snapshot.ResDaemonSets,
	snapshot.ResReplicaSets,
	snapshot.ResJobs,
	snapshot.ResCronJobs,
}

// Workload is one top-level workload: what a person deploys and fixes.
type Workload struct {
	Kind, Namespace, Name string
	// Template is the pod template the controller creates pods from; nil for a bare pod.
	Template *corev1.PodTemplateSpec
	// Where is the field path of the pod spec in the object ("spec" for a bare pod).
	Where string
	// Pods are the workload's pods in the snapshot; a bare pod is its own only pod.
	Pods []*corev1.Pod
}

// owner is a UID the index knows: the workload it belongs to, and the kind of the object that
// carries the UID (a ReplicaSet's UID maps to its Deployment's workload).
type owner struct {
	workload int
	kind     string
}

// Index lists the snapshot's workloads: controllers in the order Deployments, StatefulSets,
// DaemonSets, CronJobs, ReplicaSets and Jobs without a controller in the snapshot, then bare
// pods in snapshot order. Ownership follows controller ownerReferences by UID, as the garbage
// collector does: Pod→ReplicaSet→Deployment, Pod→Job→CronJob, Pod→StatefulSet and
// Pod→DaemonSet. A ReplicaSet or Job whose controller is not in the snapshot is a workload
// itself; a pod whose controller is not in the snapshot (a mirror pod owned by its Node, a pod
// of a custom controller) is a bare pod. Cost is linear in the number of objects. The result
// points into s: read-only.
func Index(s *snapshot.Snapshot) []Workload {
	n := len(s.Deployments) + len(s.StatefulSets) + len(s.DaemonSets) + len(s.CronJobs) +
		len(s.ReplicaSets) + len(s.Jobs)
	ws := make([]Workload, 0, n) // bare pods, usually few, are appended as found
	byUID := make(map[types.UID]owner, n)

	add := func(kind string, m *metav1.ObjectMeta, t *corev1.PodTemplateSpec, where string) {
		if m.UID != "" { // an object without UID (hand-made snapshot) can own nothing
			byUID[m.UID] = owner{workload: len(ws), kind: kind}
		}
		ws = append(ws, Workload{Kind: kind, Namespace: m.Namespace, Name: m.Name, Template: t, Where: where})
	}
	// alias folds an intermediate object into its controller's workload when that controller
	// is in the snapshot, and reports whether it did.
	alias := func(kind string, m *metav1.ObjectMeta, ownerKind string) bool {
		ref := ControllerOf(m)
		if ref == nil || ref.Kind != ownerKind {
			return false
		}
		o, ok := byUID[ref.UID]
		if !ok || o.kind != ownerKind {
			return false
		}
		if m.UID != "" {
			byUID[m.UID] = owner{workload: o.workload, kind: kind}
		}
		return true
	}

	const tmpl = "spec.template.spec"
	for i := range s.Deployments {
		d := &s.Deployments[i]
		add("Deployment", &d.ObjectMeta, &d.Spec.Template, tmpl)
	}
	for i := range s.StatefulSets {
		o := &s.StatefulSets[i]
		add("StatefulSet", &o.ObjectMeta, &o.Spec.Template, tmpl)
	}
	for i := range s.DaemonSets {
		o := &s.DaemonSets[i]
		add("DaemonSet", &o.ObjectMeta, &o.Spec.Template, tmpl)
	}
	for i := range s.CronJobs {
		o := &s.CronJobs[i]
		add("CronJob", &o.ObjectMeta, &o.Spec.JobTemplate.Spec.Template, "spec.jobTemplate.spec.template.spec")
	}
	// ReplicaSets and Jobs after their possible owners, so that alias can find them.
	for i := range s.ReplicaSets {
		o := &s.ReplicaSets[i]
		if !alias("ReplicaSet", &o.ObjectMeta, "Deployment") {
			add("ReplicaSet", &o.ObjectMeta, &o.Spec.Template, tmpl)
		}
	}
	for i := range s.Jobs {
		o := &s.Jobs[i]
		if !alias("Job", &o.ObjectMeta, "CronJob") {
			add("Job", &o.ObjectMeta, &o.Spec.Template, tmpl)
		}
	}

	for i := range s.Pods {
		p := &s.Pods[i]
		if ref := ControllerOf(&p.ObjectMeta); ref != nil {
			if o, ok := byUID[ref.UID]; ok && o.kind == ref.Kind {
				ws[o.workload].Pods = append(ws[o.workload].Pods, p)
				continue
			}
		}
		ws = append(ws, Workload{Kind: "Pod", Namespace: p.Namespace, Name: p.Name, Where: "spec", Pods: []*corev1.Pod{p}})
	}
	return ws
}

// ControllerOf returns the ownerReference with controller=true, or nil (as
// metav1.GetControllerOf, without the interface conversion and copy).
func ControllerOf(m *metav1.ObjectMeta) *metav1.OwnerReference {
	for i := range m.OwnerReferences {
		r := &m.OwnerReferences[i]
		if r.Controller != nil && *r.Controller && r.UID != "" {
			return r
		}
	}
	return nil
}

// MaxNames bounds the pod names Part lists: enough to find the odd pods, short enough for a
// report line.
const MaxNames = 3

// Part names some of a workload's objects, for evidence: "template", "2 of 3 pods (a, b)",
// "template and 3 of 3 pods", "1 of 1 pod". template says whether the template is among them,
// n how many of the workload's total pods are, names which (listed, up to MaxNames, when they
// are a strict subset, to point at the odd ones).
func Part(template bool, n, total int, names []string) string {
	var b strings.Builder
	if template {
		b.WriteString("template")
		if n == 0 {
			return b.String()
		}
		b.WriteString(" and ")
	}
	b.WriteString(strconv.Itoa(n))
	b.WriteString(" of ")
	b.WriteString(strconv.Itoa(total))
	if total == 1 {
		b.WriteString(" pod")
	} else {
		b.WriteString(" pods")
	}
	if len(names) > 0 && n < total {
		b.WriteString(" (")
		for i, name := range names {
			if i == MaxNames {
				b.WriteString(", +")
				b.WriteString(strconv.Itoa(len(names) - MaxNames))
				b.WriteString(" more")
				break
			}
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(name)
		}
		b.WriteString(")")
	}
	return b.String()
}
