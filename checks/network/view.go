package network

import (
	"fmt"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/internal/netpol"
	"github.com/kubeposture/kubeposture/snapshot"
)

// policyInputs are what the NetworkPolicy engine reads: a check built on it lists them all,
// so that a forbidden list of policies never reads as "no policy".
var policyInputs = []snapshot.Resource{snapshot.ResNamespaces, snapshot.ResPods, snapshot.ResNetworkPolicies}

// ownerReads are what the grouping of pods into workloads (workloadsOf) reads besides the
// pods, when collected: the ReplicaSets and Jobs that lead to their Deployments and CronJobs.
// viewReads adds what the view reads: the network plugins' policy kinds. A check built on
// them lists them in its Reads, so that a collection for it alone reads them too.
var (
	ownerReads = []snapshot.Resource{snapshot.ResReplicaSets, snapshot.ResJobs}
	viewReads  = append(append([]snapshot.Resource{}, ownerReads...), snapshot.CNIPolicyResources...)
)

// view is the network layer's reading of a snapshot: the NetworkPolicy engine, the workloads
// the pods belong to, and where a network plugin's own policies make the engine's
// conclusions unsure.
type view struct {
	s *snapshot.Snapshot
	e *netpol.Engine
	// cniByNS names the plugin policies of each namespace; cniCluster the cluster-wide ones,
	// which may select pods of any namespace.
	cniByNS    map[string][]string
	cniCluster []string
}

// viewKey is the view's key in the run's memo (checks.Memo).
type viewKey struct{}

// newView returns the snapshot's view, built once per run and shared by the network
// controls: building the engine is most of their cost. A view is read-only once built.
func newView(s *snapshot.Snapshot) *view {
	return checks.Memo(s, viewKey{}, func() *view { return buildView(s) })
}

func buildView(s *snapshot.Snapshot) *view {
	v := &view{s: s, e: netpol.New(s.Pods, s.Namespaces, s.NetworkPolicies), cniByNS: map[string][]string{}}
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
	const max = 3
	more := ""
	if len(names) > max {
		more = fmt.Sprintf(" and %d more", len(names)-max)
		names = names[:max]
	}
	return "network plugin policies may also apply here (" + strings.Join(names, ", ") + more +
		"); kubeposture does not evaluate them yet, so what NetworkPolicies alone allow is not the answer"
}

// unsure turns a verdict into NOT_EVALUATED when plugin policies may change it.
func (v *view) unsure(r checks.Result, ns string) checks.Result {
	if reason := v.cniReason(ns); reason != "" && r.Status != checks.NotApplicable {
		r.Reason = reason
		r.Status = checks.NotEvaluated
	}
	return r
}

// workload is a top-level workload and its pods (indexes into the engine's pods).
type workload struct {
	res  checks.Resource
	pods []int
}

// workloads groups the pods by their top-level controller: Pod→ReplicaSet→Deployment and
// Pod→Job→CronJob through controller ownerReferences (by UID, as the garbage collector
// does), other controllers by their own kind and name, pods without one by themselves.
// Results about workloads read the same as the workload layer's. The grouping is built once
// per run and shared by the controls (checks.Memo): it is read-only.
func (v *view) workloads() []workload { return workloadsOf(v.s) }

// workloadsKey is the grouping's key in the run's memo.
type workloadsKey struct{}

func workloadsOf(s *snapshot.Snapshot) []workload {
	return checks.Memo(s, workloadsKey{}, func() []workload { return groupWorkloads(s) })
}

func groupWorkloads(s *snapshot.Snapshot) []workload {
	v := &view{s: s}
	parent := map[types.UID]*metav1.OwnerReference{}
	for i := range v.s.ReplicaSets {
		rs := &v.s.ReplicaSets[i]
		if ref := controllerOf(&rs.ObjectMeta); ref != nil && ref.Kind == "Deployment" {
			parent[rs.UID] = ref
		}
	}
	for i := range v.s.Jobs {
		j := &v.s.Jobs[i]
		if ref := controllerOf(&j.ObjectMeta); ref != nil && ref.Kind == "CronJob" {
			parent[j.UID] = ref
		}
	}
	index := map[checks.Resource]int{}
	var out []workload
	// The engine's pod indexes are the snapshot's.
	for i := range v.s.Pods {
		p := &v.s.Pods[i]
		res := checks.Resource{Kind: "Pod", Namespace: p.Namespace, Name: p.Name}
		if ref := controllerOf(&p.ObjectMeta); ref != nil && ref.Kind != "Node" {
			res = checks.Resource{Kind: ref.Kind, Namespace: p.Namespace, Name: ref.Name}
			if up, ok := parent[ref.UID]; ok {
				res = checks.Resource{Kind: up.Kind, Namespace: p.Namespace, Name: up.Name}
			}
		}
		wi, ok := index[res]
		if !ok {
			wi = len(out)
			index[res] = wi
			out = append(out, workload{res: res})
		}
		out[wi].pods = append(out[wi].pods, i)
	}
	return out
}

func controllerOf(m *metav1.ObjectMeta) *metav1.OwnerReference {
	for i := range m.OwnerReferences {
		if r := &m.OwnerReferences[i]; r.Controller != nil && *r.Controller {
			return r
		}
	}
	return nil
}

// podAnswer is one pod's answer to a per-pod question.
type podAnswer struct {
	pod *corev1.Pod
	netpol.Answer
}

// reachVerdict is the verdict of the egress-reach controls: a workload one of whose pods
// reaches the target gets status, its evidence reading "<pods> <reached><reason>"; otherwise
// PASS with passPrefix and the reason traffic is denied.
func reachVerdict(status checks.Status, expected, where, reached, passPrefix string) func(w *workload, yes, no *podAnswer) checks.Result {
	return func(w *workload, yes, no *podAnswer) checks.Result {
		r := checks.Result{Evidence: checks.Evidence{Expected: expected, Where: where}}
		if yes != nil {
			r.Status = status
			r.Evidence.Observed = podsPhrase(w, yes) + reached + yes.Because
		} else {
			r.Status = checks.Pass
			r.Evidence.Observed = passPrefix + no.Because
		}
		return r
	}
}

// judgeWorkloads asks every pod of every workload a question and reports per workload: the
// workload answers yes when any of its pods does (pods of one workload normally share labels,
// but need not), with the first such pod's reason as evidence.
func (v *view) judgeWorkloads(ask func(i int) netpol.Answer, verdict func(w *workload, yes *podAnswer, no *podAnswer) checks.Result) []checks.Result {
	ws := v.workloads()
	out := make([]checks.Result, 0, len(ws))
	for wi := range ws {
		w := &ws[wi]
		var yes, no *podAnswer
		for _, pi := range w.pods {
			a := ask(pi)
			if a.Yes && yes == nil {
				yes = &podAnswer{v.e.Pods()[pi], a}
			}
			if !a.Yes && no == nil {
				no = &podAnswer{v.e.Pods()[pi], a}
			}
		}
		r := verdict(w, yes, no)
		r.Resource = w.res
		out = append(out, v.unsure(r, w.res.Namespace))
	}
	return out
}

// podsPhrase names the pod an answer is about, for evidence: "pod web-5d8f (1 of 3)".
func podsPhrase(w *workload, a *podAnswer) string {
	if len(w.pods) == 1 {
		return "pod " + a.pod.Name
	}
	return fmt.Sprintf("pod %s (of %d)", a.pod.Name, len(w.pods))
}
