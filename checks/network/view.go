package network

import (
	"fmt"
	"sort"
	"strings"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/internal/netpol"
	"github.com/kubeposture/kubeposture/internal/owners"
	"github.com/kubeposture/kubeposture/snapshot"
)

// policyInputs are what the controls built on the view read: the NetworkPolicy engine's
// inputs and the workload index's (owners.Inputs), so that a forbidden list of policies never
// reads as "no policy", nor a forbidden list of CronJobs as "no workload".
var policyInputs = append([]snapshot.Resource{snapshot.ResNamespaces, snapshot.ResNetworkPolicies},
	owners.Inputs...)

// viewReads are what the view reads besides policyInputs, when collected: the network
// plugins' policy kinds. A check built on the view lists them in its Reads, so that a
// collection for it alone reads them too.
var viewReads = snapshot.CNIPolicyResources

// view is the network layer's reading of a snapshot: the NetworkPolicy engine, the workloads
// as endpoints it answers for, and where a network plugin's own policies make the engine's
// conclusions unsure.
type view struct {
	s *snapshot.Snapshot
	e *netpol.Engine
	// units are the snapshot's workloads (unitsOf); groups[i] are unit i's objects as
	// endpoints, folded by the engine's answers.
	units  []unit
	groups [][]group
	// cniByNS names the plugin policies of each namespace; cniCluster the cluster-wide ones,
	// which may select pods of any namespace.
	cniByNS    map[string][]string
	cniCluster []string
}

// viewKey is the view's key in the run's memo (checks.Memo).
type viewKey struct{}

// newView returns the snapshot's view, built once per run and shared by the network
// controls: building the endpoints is most of their cost. A view is read-only once built.
func newView(s *snapshot.Snapshot) *view {
	return checks.Memo(s, viewKey{}, func() *view { return buildView(s) })
}

func buildView(s *snapshot.Snapshot) *view {
	v := &view{s: s, e: netpol.New(s.Pods, s.Namespaces, s.NetworkPolicies), units: unitsOf(s), cniByNS: map[string][]string{}}
	v.groups = make([][]group, len(v.units))
	for i := range v.units {
		v.groups[i] = v.fold(&v.units[i])
	}
	// A plugin kind the collector could not list (its CRD exists, but listing was forbidden or
	// failed) may hold policies for any namespace.
	for _, r := range snapshot.CNIPolicyResources {
		if col, ok := s.Status(r); ok && col.State != snapshot.Collected && col.State != snapshot.Partial {
			v.cniCluster = append(v.cniCluster, string(r)+" ("+string(col.State)+")")
		}
	}
	for _, p := range s.CNIPolicies {
		name := p.Kind + " " + p.Name
		if p.Namespace == "" {
			v.cniCluster = append(v.cniCluster, name)
		} else {
			v.cniByNS[p.Namespace] = append(v.cniByNS[p.Namespace], name)
		}
	}
	return v
}

// cniReason says why conclusions about namespace ns are not sound, or "" when no plugin
// policy may apply there. Cilium adds allows and denies to NetworkPolicy, and Calico orders
// its policies before it, with deny actions; neither is evaluated yet.
func (v *view) cniReason(ns string) string {
	names := append(append([]string{}, v.cniByNS[ns]...), v.cniCluster...)
	if len(names) == 0 {
		return ""
	}
	sort.Strings(names)
	return "network plugin policies may also apply here (" + firstNames(names) +
		"); kubeposture does not evaluate them yet, so what NetworkPolicies alone allow is not the answer"
}

// firstNames names the first few of names, and how many more.
func firstNames(names []string) string {
	const max = 3
	if len(names) <= max {
		return strings.Join(names, ", ")
	}
	return strings.Join(names[:max], ", ") + fmt.Sprintf(" and %d more", len(names)-max)
}

// unsure turns a verdict into NOT_EVALUATED when plugin policies may change it.
func (v *view) unsure(r checks.Result, ns string) checks.Result {
	if reason := v.cniReason(ns); reason != "" && r.Status != checks.NotApplicable {
		r.Reason = reason
		r.Status = checks.NotEvaluated
	}
	return r
}

// unit is a top-level workload (package internal/owners) as the network controls judge it:
// its template as the pods it will create, and its pods as they are, so that a CronJob between
// runs, a Deployment scaled to zero or a workload just applied is judged, and pods whose labels
// were changed by hand are judged by their own.
type unit struct {
	res checks.Resource
	// where is the field path of the pod spec in the object ("spec" for a bare pod).
	where string
	// template is the pod template the workload will create pods from; nil for a bare pod,
	// and for a Job that has finished, which will create none.
	template *corev1.PodTemplateSpec
	bare     bool
	pods     []*corev1.Pod
}

// unitsKey is the units' key in the run's memo.
type unitsKey struct{}

// unitsOf returns the snapshot's workloads as units, built once per run (checks.Memo) and
// read-only. A unit with neither a template nor pods (a finished Job whose pods are gone)
// runs nothing and is left out.
func unitsOf(s *snapshot.Snapshot) []unit {
	return checks.Memo(s, unitsKey{}, func() []unit {
		ws := owners.Index(s)
		finished := finishedJobs(s)
		us := make([]unit, 0, len(ws))
		for i := range ws {
			w := &ws[i]
			u := unit{res: checks.Resource{Kind: w.Kind, Namespace: w.Namespace, Name: w.Name},
				where: w.Where, template: w.Template, bare: w.Template == nil, pods: w.Pods}
			if w.Kind == "Job" && finished[u.res] {
				u.template = nil
			}
			if u.template != nil || len(u.pods) > 0 {
				us = append(us, u)
			}
		}
		return us
	})
}

// finishedJobs lists the Jobs whose Complete or Failed condition is true: the Job controller
// creates no more pods for them (k8s.io/kubernetes pkg/controller/job, IsJobFinished).
func finishedJobs(s *snapshot.Snapshot) map[checks.Resource]bool {
	out := map[checks.Resource]bool{}
	for i := range s.Jobs {
		j := &s.Jobs[i]
		for _, c := range j.Status.Conditions {
			if (c.Type == batchv1.JobComplete || c.Type == batchv1.JobFailed) && c.Status == corev1.ConditionTrue {
				out[checks.Resource{Kind: "Job", Namespace: j.Namespace, Name: j.Name}] = true
			}
		}
	}
	return out
}

// group is some of a unit's objects that every question about one endpoint answers alike
// (netpol.Equivalent): the controls ask once for the group, not once per replica.
type group struct {
	ep       netpol.Endpoint
	template bool
	pods     []int // indexes into the unit's pods
}

// fold turns a unit's template and pods into endpoints, and folds those the engine answers
// alike into groups: a workload whose pods carry its template's labels is one group.
func (v *view) fold(u *unit) []group {
	gs := make([]group, 0, 1)
	if u.template != nil {
		gs = append(gs, group{ep: v.e.Template(u.res.Namespace, u.template), template: true})
	}
	for k, p := range u.pods {
		ep := v.e.Pod(p)
		gi := 0
		for gi < len(gs) && !netpol.Equivalent(&gs[gi].ep, &ep) {
			gi++
		}
		if gi == len(gs) {
			gs = append(gs, group{ep: ep})
		}
		gs[gi].pods = append(gs[gi].pods, k)
	}
	return gs
}

// finding is an answer and the objects of a unit that gave it.
type finding struct {
	netpol.Answer
	template bool
	pods     []int
}

// findings collects the answers of a unit's groups, one finding per distinct reason, in the
// order found.
type findings []finding

func (fs *findings) add(a netpol.Answer, g *group) {
	for i := range *fs {
		if f := &(*fs)[i]; f.Because == a.Because {
			f.template = f.template || g.template
			f.pods = append(f.pods, g.pods...)
			return
		}
	}
	*fs = append(*fs, finding{Answer: a, template: g.template, pods: append([]int(nil), g.pods...)})
}

// subject names the objects of a unit a finding is about, for evidence, followed by the verb
// that agrees with it (one for a single object, many for more): "pod NAME" for a bare pod,
// else owners.Part ("template and 3 of 3 pods", "template", "1 of 3 pods (web-x)").
func (u *unit) subject(template bool, pods []int, one, many string) string {
	if u.bare {
		return "pod " + u.pods[0].Name + " " + one
	}
	names := make([]string, len(pods))
	for i, k := range pods {
		names[i] = u.pods[k].Name
	}
	verb := one
	if len(pods) > 1 || template && len(pods) > 0 {
		verb = many
	}
	return owners.Part(template, len(pods), len(u.pods), names) + " " + verb
}

// all names every object of the unit: "pod NAME" for a bare pod, else "template and 3 of 3
// pods" (or "3 of 3 pods" for a finished Job's).
func (u *unit) all() string {
	if u.bare {
		return "pod " + u.pods[0].Name
	}
	return owners.Part(u.template != nil, len(u.pods), len(u.pods), nil)
}

// maxFindings bounds the distinct reasons evidence lists for one unit.
const maxFindings = 3

// describe writes each finding as "<subject> <verb><reason>", the verb one or many as the
// subject is one object or more, joined by " | ", the first maxFindings of them.
func (u *unit) describe(fs findings, one, many string) string {
	var b strings.Builder
	for i := range fs {
		if i == maxFindings {
			fmt.Fprintf(&b, " | and %d more", len(fs)-maxFindings)
			break
		}
		if i > 0 {
			b.WriteString(" | ")
		}
		b.WriteString(u.subject(fs[i].template, fs[i].pods, one, many))
		b.WriteString(fs[i].Because)
	}
	return b.String()
}

// unitVerdict turns a unit's answers into its result: yes are the objects that answered yes
// (by reason), no the first answer no (nil when every object answered yes).
type unitVerdict func(u *unit, yes findings, no *netpol.Answer) checks.Result

// reachVerdict is the verdict of the egress-reach controls: a workload some of whose objects
// reach the target gets status, its evidence reading "<objects> may reach <reached><reason>";
// otherwise PASS with passPrefix and the reason traffic is denied.
func reachVerdict(status checks.Status, expected, where, reached, passPrefix string) unitVerdict {
	return func(u *unit, yes findings, no *netpol.Answer) checks.Result {
		r := checks.Result{Evidence: checks.Evidence{Expected: expected, Where: where}}
		if len(yes) > 0 {
			r.Status = status
			r.Evidence.Observed = u.describe(yes, "may reach "+reached, "may reach "+reached)
		} else {
			r.Status = checks.Pass
			r.Evidence.Observed = passPrefix + no.Because
		}
		return r
	}
}

// judgeUnits asks every group of every unit a question and reports per unit: the unit
// answers yes when any of its objects does (a template and its pods normally agree, but need
// not), with the objects and reasons that did as evidence.
func (v *view) judgeUnits(ask func(netpol.Endpoint) netpol.Answer, verdict unitVerdict) []checks.Result {
	out := make([]checks.Result, 0, len(v.units))
	for i := range v.units {
		u := &v.units[i]
		var yes findings
		var no *netpol.Answer
		for gi := range v.groups[i] {
			g := &v.groups[i][gi]
			a := ask(g.ep)
			if a.Yes {
				yes.add(a, g)
			} else if no == nil {
				no = &a
			}
		}
		r := verdict(u, yes, no)
		r.Resource = u.res
		out = append(out, v.unsure(r, u.res.Namespace))
	}
	return out
}
