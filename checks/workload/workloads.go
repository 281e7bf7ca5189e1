package workload

import (
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/internal/owners"
	"github.com/kubeposture/kubeposture/snapshot"
)

// inputs are the resources the workload index reads: a check built on it must list them all,
// or a pod whose owner was not collected would be judged as a bare pod.
var inputs = owners.Inputs

// unit is one top-level workload: what a person deploys and fixes, and what a result is about.
type unit struct {
	res checks.Resource
	// template is the pod template the controller creates pods from; nil for a bare pod.
	template *corev1.PodTemplateSpec
	// where is the field path of the pod spec in the object ("spec" for a bare pod).
	where string
	// pods are the unit's pods in the snapshot; a bare pod is its own only pod.
	pods []*corev1.Pod
}

// units indexes the snapshot's workloads with package internal/owners (ownership by controller
// ownerReference UID: Pod→ReplicaSet→Deployment, Pod→Job→CronJob, Pod→StatefulSet,
// Pod→DaemonSet; a pod whose controller is not in the snapshot is a bare pod), as units the
// checks of this package judge and report.
//
// The index is built once per run and shared by the controls of the layer (checks.Memo), so
// it must be read only: a check never changes a unit.
func units(s *snapshot.Snapshot) []unit {
	return checks.Memo(s, unitsKey{}, func() []unit {
		ws := owners.Index(s)
		us := make([]unit, len(ws))
		for i := range ws {
			w := &ws[i]
			us[i] = unit{res: checks.Resource{Kind: w.Kind, Namespace: w.Namespace, Name: w.Name},
				template: w.Template, where: w.Where, pods: w.Pods}
		}
		return us
	})
}

type unitsKey struct{}

// controllerOf returns the ownerReference with controller=true, or nil.
func controllerOf(m *metav1.ObjectMeta) *metav1.OwnerReference {
	return owners.ControllerOf(m)
}

// judge says why a pod spec breaks a control, or returns "" when it complies. meta is the
// pod's (or template's) metadata: some rules read annotations.
type judge func(meta *metav1.ObjectMeta, spec *corev1.PodSpec) string

// grade is a judge with more than two verdicts: the status of a pod spec under a control
// (Fail or Warn) and why. A compliant spec returns Pass and "", which the unit's ok text
// describes; Pass with a message is a note the evidence keeps (a template that lacks a value
// its admitted pods carry).
type grade func(meta *metav1.ObjectMeta, spec *corev1.PodSpec) (checks.Status, string)

// evaluateUnits judges every unit of s with j and returns one result per unit. ok describes a
// compliant object ("allowed"); expected goes to Evidence.Expected.
func evaluateUnits(s *snapshot.Snapshot, j judge, ok, expected string) []checks.Result {
	return evaluateGraded(s, j.grade(), ok, expected)
}

// grade is j as a grade: a message fails.
func (j judge) grade() grade {
	return func(m *metav1.ObjectMeta, spec *corev1.PodSpec) (checks.Status, string) {
		if msg := j(m, spec); msg != "" {
			return checks.Fail, msg
		}
		return checks.Pass, ""
	}
}

// evaluateGraded is evaluateUnits for a grade.
func evaluateGraded(s *snapshot.Snapshot, g grade, ok, expected string) []checks.Result {
	us := units(s)
	out := make([]checks.Result, 0, len(us))
	texts := unitTexts{}
	for i := range us {
		out = append(out, us[i].gradedWith(texts, g, ok, expected))
	}
	return out
}

// unitTexts holds, for one control's call, the evidence of the units whose template and pods
// all say one thing ("template and 3 of 3 pods: allowed"): the counts of replicas repeat, and
// writing the same text again for each of 50,000 units was most of what a control allocated.
// Not safe for concurrent use.
type unitTexts map[unitText]string

type unitText struct {
	failed bool // the text of a failure (" | no pods running") rather than a pass ("; ...")
	total  int
	msg    string
}

// get returns the text; a nil c keeps nothing.
func (c unitTexts) get(failed bool, total int, msg string) string {
	k := unitText{failed, total, msg}
	if t, ok := c[k]; ok {
		return t
	}
	t := owners.Part(true, total, total, nil) + ": " + msg
	switch {
	case total > 0:
	case failed:
		t += " | no pods running"
	default:
		t += "; no pods running"
	}
	if c != nil {
		c[k] = t
	}
	return t
}

// failure is one distinct verdict message, its status, and the objects of a unit that share it.
type failure struct {
	status   checks.Status
	msg      string
	template bool
	pods     []string
}

// worse returns the worse of two statuses in report order (FAIL before WARN before PASS).
func worse(a, b checks.Status) checks.Status {
	for _, s := range checks.Statuses {
		if s == a || s == b {
			return s
		}
	}
	return a
}

// verdict judges the unit's template and each of its pods with j, and folds them into one
// result: FAIL if any object fails (see graded).
func (u *unit) verdict(j judge, ok, expected string) checks.Result {
	return u.graded(j.grade(), ok, expected)
}

// graded grades the unit's template and each of its pods, and folds them into one result,
// the worst of theirs (FAIL if any object fails), the evidence grouping objects by identical
// message so that 300 replicas with the same problem read as one line.
func (u *unit) graded(g grade, ok, expected string) checks.Result {
	return u.gradedWith(nil, g, ok, expected)
}

// gradedWith is graded, taking the texts of units whose objects all say one thing from
// texts (nil: written afresh each time).
func (u *unit) gradedWith(texts unitTexts, g grade, ok, expected string) checks.Result {
	r := checks.Result{Resource: u.res, Evidence: checks.Evidence{Expected: expected, Where: u.where}}
	if u.template == nil { // a bare pod: the pod is the unit
		p := u.pods[0]
		if st, msg := g(&p.ObjectMeta, &p.Spec); msg != "" {
			r.Status, r.Evidence.Observed = st, msg
		} else {
			r.Status, r.Evidence.Observed = checks.Pass, ok
		}
		return r
	}

	var fails []failure
	var index map[string]int // message → position in fails, once there are many
	record := func(st checks.Status, msg string) *failure {
		// Units usually have one or two distinct messages: a scan beats building a map.
		if index == nil {
			for i := range fails {
				if fails[i].msg == msg {
					return &fails[i]
				}
			}
			if len(fails) == 8 {
				index = make(map[string]int, 16)
				for i := range fails {
					index[fails[i].msg] = i
				}
			}
		} else if i, seen := index[msg]; seen {
			return &fails[i]
		}
		if index != nil {
			index[msg] = len(fails)
		}
		fails = append(fails, failure{status: st, msg: msg, pods: make([]string, 0, len(u.pods))})
		return &fails[len(fails)-1]
	}
	status := checks.Pass
	templateFailed, templateBad := false, false
	if st, msg := g(&u.template.ObjectMeta, &u.template.Spec); msg != "" {
		record(st, msg).template = true
		templateFailed = true
		templateBad = st != checks.Pass
		status = worse(status, st)
	}
	failedPods := 0
	for _, p := range u.pods {
		if st, msg := g(&p.ObjectMeta, &p.Spec); msg != "" {
			f := record(st, msg)
			f.pods = append(f.pods, p.Name)
			failedPods++
			status = worse(status, st)
		}
	}

	total := len(u.pods)
	if len(fails) == 0 {
		r.Status = checks.Pass
		r.Evidence.Observed = texts.get(false, total, ok)
		return r
	}

	r.Status = status
	if len(fails) == 1 && fails[0].template && len(fails[0].pods) == total {
		// The template and every pod say the same: the text of many units.
		r.Evidence.Observed = texts.get(true, total, fails[0].msg)
		return r
	}
	var b strings.Builder
	size := 64 // the subjects and separators
	for _, f := range fails {
		size += len(f.msg) + 48
	}
	b.Grow(size + len(ok))
	for i, f := range fails {
		if i > 0 {
			b.WriteString(" | ")
		}
		b.WriteString(owners.Part(f.template, len(f.pods), total, f.pods))
		b.WriteString(": ")
		b.WriteString(f.msg)
	}
	// Account for the objects that passed too, so the evidence always says what was checked.
	if passed := total - failedPods; !templateFailed || passed > 0 {
		b.WriteString(" | ")
		b.WriteString(owners.Part(!templateFailed, passed, total, nil))
		b.WriteString(": ")
		b.WriteString(ok)
	}
	if total == 0 {
		b.WriteString(" | no pods running")
	}
	r.Evidence.Observed = b.String()
	if !templateBad && status != checks.Pass {
		// The template is clean: the pods were changed after it, typically by a mutating
		// webhook, and fixing the template will not fix them.
		r.Evidence.Where = "pod spec (the pods differ from " + u.where + ")"
	}
	return r
}
