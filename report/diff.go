package report

import (
	"fmt"
	"io"
	"sort"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

// Drift compares two reports of the same cluster, result by result, matched by control id and
// resource. It compares verdicts the engine already gave; it does not judge anything itself.
type Drift struct {
	Cluster snapshot.Cluster `json:"cluster"`
	Old     DriftSide        `json:"old"`
	New     DriftSide        `json:"new"`
	// NewFailures are results that FAIL now and did not before (or did not exist).
	NewFailures []Change `json:"newFailures"`
	// Fixed are results that failed before and do not now, or whose resource is gone.
	Fixed []Change `json:"fixed"`
	// Changed are results whose status (other than into or out of FAIL) or evidence changed.
	Changed []Change `json:"changed"`
	// NotCompared lists controls in only one of the reports (a different selection or tool
	// version): their results are not compared.
	NotCompared []string `json:"notCompared,omitempty"`
}

// DriftSide says when a compared report was made.
type DriftSide struct {
	CollectedAt string  `json:"collectedAt"`
	GeneratedAt string  `json:"generatedAt"`
	ToolVersion string  `json:"toolVersion"`
	Score       float64 `json:"score"`
}

// Change is one result that differs. Old or New is nil when the result is in one report only.
type Change struct {
	ControlID string          `json:"controlId"`
	Title     string          `json:"title"`
	Severity  checks.Severity `json:"severity"`
	Resource  checks.Resource `json:"resource"`
	Old       *checks.Result  `json:"old,omitempty"`
	New       *checks.Result  `json:"new,omitempty"`
}

type resultKey struct {
	control  string
	resource checks.Resource
}

// Compare matches the results of two reports by control and resource. Reports of two
// different clusters (both kube-system UIDs known and different) are refused.
func Compare(old, cur *checks.Report) (*Drift, error) {
	if old.Cluster.UID != "" && cur.Cluster.UID != "" && old.Cluster.UID != cur.Cluster.UID {
		return nil, fmt.Errorf("the reports are of two clusters (uid %s, server %s; and uid %s, server %s): compare scans of the same cluster",
			old.Cluster.UID, orDash(old.Cluster.Server), cur.Cluster.UID, orDash(cur.Cluster.Server))
	}
	d := &Drift{Cluster: cur.Cluster, Old: side(old), New: side(cur),
		NewFailures: []Change{}, Fixed: []Change{}, Changed: []Change{}}
	oldControls := map[string]*checks.ControlReport{}
	for i := range old.Controls {
		oldControls[old.Controls[i].ID] = &old.Controls[i]
	}
	curControls := map[string]bool{}
	for i := range cur.Controls {
		c := &cur.Controls[i]
		curControls[c.ID] = true
		oc, ok := oldControls[c.ID]
		if !ok {
			d.NotCompared = append(d.NotCompared, c.ID)
			continue
		}
		before := map[checks.Resource]*checks.Result{}
		for j := range oc.Results {
			before[oc.Results[j].Resource] = &oc.Results[j]
		}
		for j := range c.Results {
			r := &c.Results[j]
			ch := Change{ControlID: c.ID, Title: c.Title, Severity: c.Severity, Resource: r.Resource, New: r}
			o, seen := before[r.Resource]
			delete(before, r.Resource)
			if seen {
				ch.Old = o
			}
			switch {
			case r.Status == checks.Fail && (!seen || o.Status != checks.Fail):
				d.NewFailures = append(d.NewFailures, ch)
			case seen && o.Status == checks.Fail && r.Status != checks.Fail:
				d.Fixed = append(d.Fixed, ch)
			case seen && (o.Status != r.Status || o.Evidence != r.Evidence || o.Reason != r.Reason):
				d.Changed = append(d.Changed, ch)
			}
		}
		// Results of resources that are gone: a failure that went away is fixed.
		for _, o := range before {
			if o.Status == checks.Fail {
				d.Fixed = append(d.Fixed, Change{ControlID: c.ID, Title: c.Title, Severity: c.Severity, Resource: o.Resource, Old: o})
			}
		}
	}
	for _, c := range old.Controls {
		if !curControls[c.ID] {
			d.NotCompared = append(d.NotCompared, c.ID)
		}
	}
	for _, cs := range [][]Change{d.NewFailures, d.Fixed, d.Changed} {
		sortChanges(cs)
	}
	sort.Strings(d.NotCompared)
	return d, nil
}

func side(r *checks.Report) DriftSide {
	return DriftSide{CollectedAt: formatTime(r.CollectedAt), GeneratedAt: formatTime(r.GeneratedAt), ToolVersion: r.ToolVersion, Score: r.Summary.Total.Score}
}

// sortChanges orders changes most severe first, then by control and resource.
func sortChanges(cs []Change) {
	sort.SliceStable(cs, func(i, j int) bool {
		a, b := cs[i], cs[j]
		if a.Severity.Rank() != b.Severity.Rank() {
			return a.Severity.Rank() > b.Severity.Rank()
		}
		if a.ControlID != b.ControlID {
			return a.ControlID < b.ControlID
		}
		return a.Resource.String() < b.Resource.String()
	})
}

// NewFailuresAtOrAbove counts the new failures of a severity rank or higher.
func (d *Drift) NewFailuresAtOrAbove(rank int) int {
	n := 0
	for _, c := range d.NewFailures {
		if c.Severity.Rank() >= rank {
			n++
		}
	}
	return n
}

// DriftFormats lists the formats WriteDrift implements, in the order help texts show them.
var DriftFormats = []Format{Table, JSON, Markdown}

// WriteDrift renders a drift as text (Table, the default), JSON or Markdown.
func WriteDrift(out io.Writer, d *Drift, format Format) error {
	switch format {
	case JSON:
		return encodeJSON(out, d)
	case Table, Markdown:
	default:
		return fmt.Errorf("the diff is written as %s, not %q", formatNames(DriftFormats), format)
	}
	md := format == Markdown
	w := &errWriter{w: out}
	if md {
		w.printf("## kubeposture drift: %s\n\n", mdCell(orDash(d.Cluster.Server)))
	} else {
		w.printf("kubeposture drift: %s (uid %s)\n", orDash(d.Cluster.Server), orDash(d.Cluster.UID))
	}
	w.printf("Old scan: collected %s, score %s. New scan: collected %s, score %s.\n",
		orDash(d.Old.CollectedAt), formatScore(d.Old.Score), orDash(d.New.CollectedAt), formatScore(d.New.Score))
	section := func(title string, cs []Change) {
		if md {
			w.printf("\n### %s (%d)\n\n", title, len(cs))
		} else {
			w.printf("\n%s (%d)\n", title, len(cs))
		}
		if len(cs) == 0 {
			w.printf("  none\n")
			return
		}
		for _, c := range cs {
			if md {
				w.printf("- %s (%s) `%s`: %s\n", mdCell(c.ControlID), c.Severity, mdCode(c.Resource.String()), mdCell(transition(c)))
			} else {
				w.printf("  - %s [%s] %s: %s\n", c.ControlID, c.Severity, c.Resource, transition(c))
			}
		}
	}
	section("New failures", d.NewFailures)
	section("Fixed", d.Fixed)
	section("Changed", d.Changed)
	if len(d.NotCompared) > 0 {
		w.printf("\nNot compared (in one report only): %s\n", formatNames(d.NotCompared))
	}
	return w.err
}

// transition says how a result changed: "PASS → FAIL (observed …)".
func transition(c Change) string {
	status := func(r *checks.Result) string {
		if r == nil {
			return "absent"
		}
		return string(r.Status)
	}
	s := status(c.Old) + " → " + status(c.New)
	switch {
	case c.New != nil && c.New.Evidence.Observed != "" && (c.Old == nil || c.Old.Evidence.Observed != c.New.Evidence.Observed):
		if c.Old != nil && c.Old.Evidence.Observed != "" {
			s += "; observed " + oneLine(c.Old.Evidence.Observed) + " → " + oneLine(c.New.Evidence.Observed)
		} else {
			s += "; observed " + oneLine(c.New.Evidence.Observed)
		}
	case c.New != nil && c.Old != nil && c.Old.Evidence != c.New.Evidence:
		s += "; evidence changed (where " + oneLine(c.New.Evidence.Where) + ")"
	case c.New != nil && c.Old != nil && c.Old.Reason != c.New.Reason:
		s += "; reason " + oneLine(c.New.Reason)
	}
	return s
}
