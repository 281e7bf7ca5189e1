package checks

import (
	"cmp"
	"fmt"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/kubeposture/kubeposture/snapshot"
)

// Selection narrows a run. Empty fields select everything.
type Selection struct {
	Frameworks []Framework `json:"frameworks,omitempty"`
	Layers     []Layer     `json:"layers,omitempty"`
	// Controls lists control ids (kubeposture's own) and framework items (a CIS id such as
	// "1.2.1", an NSA/CISA area such as "C-0041"). An item selects the controls that reference
	// it, and of their results those that decide it (Result.Decides).
	Controls []string `json:"controls,omitempty"`
	// Namespaces keeps only results about objects in these namespaces, and the namespaces'
	// own results (Kind "Namespace"); other cluster-scoped results are dropped when it is set.
	Namespaces []string `json:"namespaces,omitempty"`
	// Params are the user's inputs to the checks (an allow-list); embedded so that the report
	// records them beside the rest of the selection, and omits them when none were given.
	Params
}

// Select returns the registered checks that s selects, in catalog order. It fails on a
// control id that matches nothing, so that a typo does not silently select nothing.
func (s Selection) Select(all []Check) ([]Check, error) {
	matched := map[string]bool{}
	var out []Check
	for _, c := range all {
		if !s.frameworkMatch(&c.Control) || !s.layerMatch(c.Layer) {
			continue
		}
		if len(s.Controls) > 0 {
			hit := false
			for _, id := range s.Controls {
				if id == c.ID || c.References.Names(id) {
					matched[id] = true
					hit = true
				}
			}
			if !hit {
				continue
			}
		}
		out = append(out, c)
	}
	for _, id := range s.Controls {
		if !matched[id] {
			return nil, fmt.Errorf("control %q: no such control in the selected frameworks and layers (see 'audit controls')", id)
		}
	}
	return out, nil
}

func (s Selection) frameworkMatch(c *Control) bool {
	if len(s.Frameworks) == 0 {
		return true
	}
	for _, f := range s.Frameworks {
		if c.In(f) {
			return true
		}
	}
	return false
}

func (s Selection) layerMatch(l Layer) bool {
	if len(s.Layers) == 0 {
		return true
	}
	for _, v := range s.Layers {
		if v == l {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// ParseLayer accepts a layer name as given on the command line.
func ParseLayer(s string) (Layer, error) {
	for _, l := range Layers {
		if string(l) == s {
			return l, nil
		}
	}
	return "", fmt.Errorf("unknown layer %q (want one of %s)", s, joinNames(Layers))
}

// joinNames lists names for an error message: "a, b, c".
func joinNames[T ~string](list []T) string {
	names := make([]string, len(list))
	for i, v := range list {
		names[i] = string(v)
	}
	return strings.Join(names, ", ")
}

// Reads returns every resource the checks read (their Inputs, AnyInputs and Reads), once
// each, in order of first mention: what a collection for them must read.
func Reads(checks []Check) []snapshot.Resource {
	var out []snapshot.Resource
	seen := map[snapshot.Resource]bool{}
	for _, c := range checks {
		for _, l := range [][]snapshot.Resource{c.Inputs, c.AnyInputs, c.Reads} {
			for _, r := range l {
				if !seen[r] {
					seen[r] = true
					out = append(out, r)
				}
			}
		}
	}
	return out
}

// Run evaluates checks over snap. It never fails: a check whose inputs are missing is
// reported NOT_EVALUATED, and a check that panics is reported NOT_EVALUATED with the panic,
// so that one broken check cannot hide the others' verdicts.
func Run(snap *snapshot.Snapshot, checks []Check, sel Selection) *Report {
	rep := &Report{
		SchemaVersion: ReportSchemaVersion,
		Cluster:       snap.Cluster,
		CollectedAt:   snap.CollectedAt,
		GeneratedAt:   time.Now().UTC(),
		ToolVersion:   snap.ToolVersion,
		Selection:     sel,
		NotCollected:  notCollected(snap),
		Sources:       snap.Sources,
	}
	// Checks are pure functions of the snapshot, so they run concurrently, one worker per
	// CPU; each control's report lands in its own slot, in catalog order. What they derive
	// from the snapshot through Memo is shared for the run, and dropped at its end.
	done := snap.ShareDerived()
	defer done()
	rep.Controls = make([]ControlReport, len(checks))
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < min(runtime.GOMAXPROCS(0), len(checks)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				rep.Controls[i] = runOne(snap, checks[i], sel)
			}
		}()
	}
	for i := range checks {
		next <- i
	}
	close(next)
	wg.Wait()
	done()
	explainNotCollected(rep.NotCollected, checks, rep.Controls)
	rep.Summary = summarize(rep.Controls)
	return rep
}

// runOne evaluates one control into its report.
func runOne(snap *snapshot.Snapshot, c Check, sel Selection) ControlReport {
	results, evaluated := evaluate(snap, c, sel.Params)
	if evaluated {
		if err := checkDecides(&c.Control, results); err != nil {
			results = []Result{notEvaluated(fmt.Sprintf("check failed: %v (a bug: please report it with the snapshot)", err))}
		} else {
			// The engine's own NOT_EVALUATED (missing input, panic) is about the whole
			// control, not a cluster-scoped object: neither filter may drop it.
			results = filterNamespaces(results, sel.Namespaces)
			results = filterItems(results, &c.Control, sel.itemsOf(&c.Control))
		}
	}
	if len(results) == 0 {
		results = []Result{{Status: NotApplicable, Resource: Resource{Kind: "Cluster"},
			Reason: emptyReason(sel)}}
	}
	for i := range results {
		results[i].ControlID = c.ID
	}
	sortResults(results)
	return ControlReport{
		Control: c.Control,
		Status:  Aggregate(results),
		Counts:  countStatuses(results),
		Results: results,
	}
}

func emptyReason(sel Selection) string {
	if len(sel.Namespaces) > 0 {
		return "no resource in the selected namespaces is subject to this control"
	}
	return "no resource in the cluster is subject to this control"
}

// evaluate runs c over snap. evaluated is false when the engine itself judged the control
// NOT_EVALUATED (an input missing, or the check panicked).
func evaluate(snap *snapshot.Snapshot, c Check, p Params) (results []Result, evaluated bool) {
	for _, in := range c.Inputs {
		col, ok := snap.Status(in)
		if !ok {
			return []Result{notEvaluated(notAttempted(in))}, false
		}
		if col.State != snapshot.Collected && col.State != snapshot.Partial {
			reason := fmt.Sprintf("%s: %s", in, col.State)
			if col.Message != "" {
				reason += ": " + col.Message
			}
			return []Result{notEvaluated(reason)}, false
		}
	}
	defer func() {
		if r := recover(); r != nil {
			results = []Result{notEvaluated(fmt.Sprintf("check failed: %v (a bug: please report it with the snapshot)", r))}
			evaluated = false
		}
	}()
	if c.EvaluateParams != nil {
		return c.EvaluateParams(snap, p), true
	}
	return c.Evaluate(snap), true
}

// notAttempted is the reason for an input the snapshot holds no outcome for. Node reports are
// merged from 'audit node', not collected: their reason says how to get them.
func notAttempted(in snapshot.Resource) string {
	if in == snapshot.ResNodeReports {
		return snapshot.NoNodeReports
	}
	return fmt.Sprintf("%s was not collected", in)
}

func notEvaluated(reason string) Result {
	return Result{Status: NotEvaluated, Resource: Resource{Kind: "Cluster"}, Reason: reason}
}

// checkDecides fails when a result names a framework item its control does not reference.
func checkDecides(c *Control, results []Result) error {
	for i := range results {
		if r := results[i].References; r != nil && !r.Within(&c.References) {
			return fmt.Errorf("a result on %s decides %+v, which control %s does not reference", results[i].Resource, *r, c.ID)
		}
	}
	return nil
}

// itemsOf returns the framework items of the selection that selected c, when they alone did:
// c's results are then kept only where they decide one of them. nil when the selection names
// c itself, or no control.
func (s Selection) itemsOf(c *Control) []string {
	var items []string
	for _, id := range s.Controls {
		if id == c.ID {
			return nil
		}
		if c.References.Names(id) {
			items = append(items, id)
		}
	}
	return items
}

// filterItems keeps the results that decide one of items (all of them when items is empty).
func filterItems(results []Result, c *Control, items []string) []Result {
	if len(items) == 0 {
		return results
	}
	out := results[:0:0]
	for i := range results {
		d := results[i].Decides(c)
		// A technique is the whole control's: a result that decides fewer CIS items still
		// mitigates what its control does.
		if slices.ContainsFunc(items, d.Names) || slices.ContainsFunc(items, func(id string) bool { return slices.Contains(c.References.MITRE, id) }) {
			out = append(out, results[i])
		}
	}
	return out
}

func filterNamespaces(results []Result, namespaces []string) []Result {
	if len(namespaces) == 0 {
		return results
	}
	out := results[:0:0]
	for _, r := range results {
		if r.Status == NotEvaluated && r.Resource.Kind == "Cluster" {
			// A check's own NOT_EVALUATED for the whole control (no allow-list given, an
			// input it lacks) is about every namespace: dropping it would turn "could not
			// judge" into NOT_APPLICABLE.
			out = append(out, r)
			continue
		}
		ns := r.Resource.Namespace
		if r.Resource.Kind == "Namespace" {
			ns = r.Resource.Name // a namespace's own verdict belongs to it
		}
		if contains(namespaces, ns) {
			out = append(out, r)
		}
	}
	return out
}

func sortResults(rs []Result) {
	order := make(map[Status]int, len(Statuses))
	for i, s := range Statuses {
		order[s] = i
	}
	cmpResults := func(x, y *Result) int {
		if c := cmp.Compare(order[x.Status], order[y.Status]); c != 0 {
			return c
		}
		a, b := &x.Resource, &y.Resource
		if c := strings.Compare(a.Namespace, b.Namespace); c != 0 {
			return c
		}
		if c := strings.Compare(a.Kind, b.Kind); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	}
	// Most controls return their results in order already; the rest are sorted through an
	// index, so that each 160-byte result moves once rather than at every step of the sort.
	sorted := true
	for i := 1; i < len(rs) && sorted; i++ {
		sorted = cmpResults(&rs[i-1], &rs[i]) <= 0
	}
	if sorted {
		return
	}
	idx := make([]int32, len(rs))
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortStableFunc(idx, func(i, j int32) int { return cmpResults(&rs[i], &rs[j]) })
	// Apply the permutation in place, cycle by cycle (position i takes the result at idx[i]),
	// rather than through a copy of every result.
	for i := range idx {
		if idx[i] < 0 {
			continue
		}
		tmp := rs[i]
		j := int32(i)
		for {
			k := idx[j]
			idx[j] = -1
			if k == int32(i) {
				rs[j] = tmp
				break
			}
			rs[j] = rs[k]
			j = k
		}
	}
}

// Aggregate is a control's overall status: FAIL if any resource fails, else WARN if any
// warns, else NOT_EVALUATED if any could not be evaluated (a pass over part of the cluster is
// not a pass), else MANUAL, PASS, NOT_APPLICABLE in that order.
func Aggregate(results []Result) Status {
	seen := map[Status]bool{}
	for _, r := range results {
		seen[r.Status] = true
	}
	for _, s := range Statuses {
		if seen[s] {
			return s
		}
	}
	return NotApplicable
}

func countStatuses(results []Result) map[Status]int {
	m := map[Status]int{}
	for _, r := range results {
		m[r.Status]++
	}
	return m
}

func notCollected(snap *snapshot.Snapshot) []NotCollected {
	var out []NotCollected
	for r, c := range snap.Resources {
		if c.State != snapshot.Collected {
			out = append(out, NotCollected{Resource: r, State: c.State, Message: c.Message})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Resource < out[j].Resource })
	return out
}
