package collect

import (
	"slices"

	"github.com/kubeposture/kubeposture/snapshot"
)

// Plan is what a collection reads: everything (All), or what the checks of a run read
// (PlanFor), so that a scan of one control costs what that control's lists cost.
//
// Whatever it reads, a collection names the cluster as a full one does (its version, UID and
// provider, which every report shows): it lists the nodes and kube-system's pods, which is
// also where the control plane's static pods are found. Those pods are kept only when the
// plan reads pods.
type Plan struct {
	subset bool // the zero Plan reads everything
	kinds  map[snapshot.Resource]bool
	// metrics, custom and kubelets read the API server's /metrics, the API groups it serves
	// with the custom kinds (the network plugins' policies, the add-ons'), and each node's
	// kubelet configuration.
	metrics, custom, kubelets bool
}

// All is the plan that reads everything the collector can (the zero Plan): what `audit
// collect` writes.
var All = Plan{}

// systemNamespace is where the control plane's static pods and kubeadm's annotations are.
const systemNamespace = "kube-system"

// PlanFor returns the plan of a run whose checks read the resources reads (each check's
// Inputs, AnyInputs and Reads: checks.Reads). A resource it does not know is read as All
// reads it.
func PlanFor(reads []snapshot.Resource) Plan {
	p := Plan{subset: true, kinds: map[snapshot.Resource]bool{snapshot.ResNodes: true}}
	for _, r := range reads {
		if _, ok := snapshot.KindOf(r); ok {
			p.kinds[r] = true
			continue
		}
		switch {
		case r == snapshot.ResControlPlane: // derived from kube-system's pods, always listed
		case r == snapshot.ResKubeletConfigs:
			p.kubelets = true
		case r == snapshot.ResAPIServerMetrics:
			p.metrics = true
		case r == snapshot.ResAnonymousProbe: // read when Options.ProbeAnonymous asks
		case r == snapshot.ResNodeReports, r == snapshot.ResImages, isFile(r):
			// Merged from node reports, scanned images and files given on the command line:
			// nothing to collect.
		case r == snapshot.ResAPIGroups, slices.ContainsFunc(customKinds, func(k customKind) bool { return k.resource == r }):
			// Discovery finds the plugins' and add-ons' kinds: the two are read together.
			p.custom = true
		default:
			return All
		}
	}
	return p
}

func isFile(r snapshot.Resource) bool {
	return len(r) > len("file/") && r[:len("file/")] == "file/"
}

// reads reports whether the plan lists kind r whole.
func (p Plan) reads(r snapshot.Resource) bool { return !p.subset || p.kinds[r] }

// The plan's other reads.
func (p Plan) readsMetrics() bool  { return !p.subset || p.metrics }
func (p Plan) readsCustom() bool   { return !p.subset || p.custom }
func (p Plan) readsKubelets() bool { return !p.subset || p.kubelets }

// List is one LIST request of a plan: a kind, in every namespace or in one.
type List struct {
	Kind      snapshot.CollectedKind
	Namespace string // "" for every namespace
}

// Lists returns the lists the plan reads, in the order the collector starts them (the largest,
// pods, first): what test/scale's floor lists for the same plan.
func (p Plan) Lists() []List {
	var out []List
	for _, l := range listers {
		switch {
		case p.reads(l.kind.Resource):
			out = append(out, List{Kind: l.kind})
		case l.kind.Resource == snapshot.ResPods:
			out = append(out, List{Kind: l.kind, Namespace: systemNamespace})
		}
	}
	return out
}

// Restrict returns a copy of s holding what a collection with this plan would have held of the
// same cluster: the lists the plan does not read, with their outcomes, are dropped, and so are
// /metrics, the API groups with the custom kinds (network plugins' policies, add-ons'), and the kubelet configurations
// when it does not read them. What the collector derives (the control plane, the cluster's name and provider) is
// kept. Lists are not copied: the copy shares them with s.
func (p Plan) Restrict(s *snapshot.Snapshot) *snapshot.Snapshot {
	out := snapshot.New()
	out.APIVersion, out.Kind, out.Cluster, out.CollectedAt, out.ToolVersion = s.APIVersion, s.Kind, s.Cluster, s.CollectedAt, s.ToolVersion
	out.ControlPlane, out.Files, out.NodeReports, out.ImageScans = s.ControlPlane, s.Files, s.NodeReports, s.ImageScans
	out.Sources, out.SourcePositions, out.Redacted = s.Sources, s.SourcePositions, s.Redacted
	for r, c := range s.Resources {
		out.Resources[r] = c
	}
	for _, k := range snapshot.CollectedKinds {
		if p.reads(k.Resource) {
			k.Set(out, k.List(s))
		} else {
			delete(out.Resources, k.Resource)
		}
	}
	if p.readsKubelets() {
		out.Kubelets = s.Kubelets
	} else {
		delete(out.Resources, snapshot.ResKubeletConfigs)
	}
	if p.readsCustom() {
		out.APIGroups = s.APIGroups
		for _, k := range customKinds {
			k.copy(out, s)
		}
	} else {
		delete(out.Resources, snapshot.ResAPIGroups)
		for _, k := range customKinds {
			delete(out.Resources, k.resource)
		}
	}
	if !p.readsMetrics() {
		delete(out.Resources, snapshot.ResAPIServerMetrics)
	}
	switch {
	case s.APIServer == nil || p.readsMetrics():
		out.APIServer = s.APIServer
	case s.APIServer.Anonymous != nil:
		out.APIServer = &snapshot.APIServerObservations{Anonymous: s.APIServer.Anonymous}
	}
	return out
}
