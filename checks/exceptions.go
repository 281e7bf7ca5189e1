package checks

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubeposture/kubeposture/internal/sizelimit"
	"github.com/kubeposture/kubeposture/internal/strictyaml"
	"github.com/kubeposture/kubeposture/snapshot"
)

// ExceptionsAPIVersion and ExceptionsKind head an exceptions file.
const (
	ExceptionsAPIVersion = "kubeposture.io/v1alpha1"
	ExceptionsKind       = "Exceptions"
)

// Exception is one accepted risk: a control on the resources its selector matches, with who
// accepted it, why, and until when.
type Exception struct {
	Control  string           `json:"control"`
	Resource ResourceSelector `json:"resource"`
	Reason   string           `json:"reason"`
	Owner    string           `json:"owner"`
	Ticket   string           `json:"ticket,omitempty"`
	// Expires is the last day (UTC) the exception applies, an RFC 3339 full-date (2027-01-31).
	Expires string `json:"expires"`

	// Source says where the exception came from: "FILE#INDEX" for an exceptions file, or
	// "annotation NAME on KIND/NS/NAME" for an object's own annotation.
	Source string `json:"source,omitempty"`
	// FromObject is true when the excepted object itself carried the exception (an
	// annotation the user allowed with --exception-annotation).
	FromObject bool `json:"fromObject,omitempty"`

	expires time.Time // the first instant it no longer applies
}

// ResourceSelector picks the results an exception covers. Every field given must match; at
// least one must be given. Name may be a glob (path.Match: "node-exporter-*"). Labels match
// the labels of the object the snapshot holds under the result's kind, namespace and name.
type ResourceSelector struct {
	Kind      string            `json:"kind,omitempty"`
	Namespace string            `json:"namespace,omitempty"`
	Name      string            `json:"name,omitempty"`
	Labels    map[string]string `json:"labels,omitempty"`
}

// AppliedException is kept on an excepted result: the exception, and the status the check
// gave before it applied.
type AppliedException struct {
	Exception
	// Status is the check's own verdict (FAIL or WARN) that the exception turned EXCEPTED.
	Status Status `json:"status"`
}

// ExceptionsReport lists, in a report, the exceptions that did not apply.
type ExceptionsReport struct {
	// Applied counts the results made EXCEPTED.
	Applied int `json:"applied"`
	// Expired exceptions stopped applying: the results they covered keep their verdict.
	Expired []Exception `json:"expired,omitempty"`
	// Unmatched exceptions matched no FAIL or WARN result: stale entries to clean up.
	Unmatched []Exception `json:"unmatched,omitempty"`
	// Invalid lists annotations (allowed by --exception-annotation) that could not be read.
	Invalid []string `json:"invalid,omitempty"`
}

type exceptionsFile struct {
	APIVersion string            `json:"apiVersion"`
	Kind       string            `json:"kind"`
	Exceptions []json.RawMessage `json:"exceptions"`
}

// ReadExceptionsFile reads an exceptions file (YAML or JSON) of at most
// sizelimit.ExceptionsFile bytes.
func ReadExceptionsFile(name string) ([]Exception, error) {
	data, err := sizelimit.ReadFile(name, sizelimit.ExceptionsFile, "an exceptions file")
	if err != nil {
		return nil, fmt.Errorf("exceptions file: %w", err)
	}
	return ParseExceptions(name, data)
}

// ParseExceptions parses an exceptions document; name (the file) prefixes every error, with
// the entry's index and field, so that the user knows which line to fix. A key given twice
// ("control:" twice in an entry) is refused: which one a parser keeps is its own choice.
func ParseExceptions(name string, data []byte) ([]Exception, error) {
	js, err := strictyaml.ToJSON(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	var f exceptionsFile
	if err := strictJSON(js, &f); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if f.APIVersion != ExceptionsAPIVersion || f.Kind != ExceptionsKind {
		return nil, fmt.Errorf("%s: apiVersion %q, kind %q: want apiVersion %s, kind %s", name, f.APIVersion, f.Kind, ExceptionsAPIVersion, ExceptionsKind)
	}
	out := make([]Exception, 0, len(f.Exceptions))
	for i, raw := range f.Exceptions {
		e, err := parseException(raw)
		if err != nil {
			return nil, fmt.Errorf("%s: exceptions[%d]: %w", name, i, err)
		}
		e.Source = fmt.Sprintf("%s#%d", name, i)
		out = append(out, e)
	}
	return out, nil
}

func strictJSON(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		// encoding/json says `json: unknown field "x"`; the user wrote YAML.
		return fmt.Errorf("%s", strings.TrimPrefix(err.Error(), "json: "))
	}
	return nil
}

func parseException(raw []byte) (Exception, error) {
	var e Exception
	if err := strictJSON(raw, &e); err != nil {
		return e, err
	}
	if e.Source != "" || e.FromObject {
		return e, fmt.Errorf("source and fromObject are set by kubeposture, not in the file")
	}
	return e, e.validate()
}

func (e *Exception) validate() error {
	missing := func(field, why string) error { return fmt.Errorf("%s: missing (%s)", field, why) }
	if strings.TrimSpace(e.Control) == "" {
		return missing("control", "the control id, e.g. KP-WL-001")
	}
	s := e.Resource
	if s.Kind == "" && s.Namespace == "" && s.Name == "" && len(s.Labels) == 0 {
		return missing("resource", "give kind, namespace, name or labels: an exception covers named resources, not a whole control")
	}
	if _, err := path.Match(s.Name, ""); err != nil {
		return fmt.Errorf("resource.name: %q is not a valid glob: %w", s.Name, err)
	}
	if strings.TrimSpace(e.Reason) == "" {
		return missing("reason", "say why the risk is accepted")
	}
	if strings.TrimSpace(e.Owner) == "" {
		return missing("owner", "who accepted the risk")
	}
	if e.Expires == "" {
		return missing("expires", "the last day it applies, YYYY-MM-DD")
	}
	d, err := time.Parse(time.DateOnly, e.Expires)
	if err != nil {
		return fmt.Errorf("expires: %q is not an RFC 3339 date (want YYYY-MM-DD)", e.Expires)
	}
	e.expires = d.AddDate(0, 0, 1) // through the whole last day, UTC
	return nil
}

// Expired reports whether e no longer applies at now.
func (e *Exception) Expired(now time.Time) bool { return !now.Before(e.expires) }

func (e *Exception) matches(controlID string, r Resource, labels map[string]string) bool {
	s := e.Resource
	if e.Control != controlID || (s.Kind != "" && s.Kind != r.Kind) || (s.Namespace != "" && s.Namespace != r.Namespace) {
		return false
	}
	if s.Name != "" {
		if ok, _ := path.Match(s.Name, r.Name); !ok {
			return false
		}
	}
	for k, v := range s.Labels {
		if got, ok := labels[k]; !ok || got != v {
			return false
		}
	}
	return true
}

// ExceptionOptions tunes ApplyExceptions.
type ExceptionOptions struct {
	// Now decides expiry; zero means time.Now().
	Now time.Time
	// Annotation, when set, is the one annotation whose value (a JSON or YAML list of
	// exceptions without resource) objects may carry to except themselves. Empty: objects
	// cannot create exceptions.
	Annotation string
}

// ApplyExceptions marks the FAIL and WARN results that an exception covers EXCEPTED, keeps
// the exception and the original verdict on the result, and re-aggregates the controls and
// the summary. It first undoes exceptions applied before (a saved report re-rendered with
// another file), so that it can run again on its own output. snap may be nil (a saved
// report): label selectors and annotations then match nothing.
//
// Only FAIL and WARN are excepted: an exception accepts a known risk, not an unseen one
// (NOT_EVALUATED) or a question for a person (MANUAL).
func ApplyExceptions(rep *Report, snap *snapshot.Snapshot, list []Exception, opts ExceptionOptions) {
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	er := &ExceptionsReport{}
	var active []*Exception
	byControl := map[string][]*Exception{} // a result is only tried against its control's
	for i := range list {
		if list[i].expires.IsZero() {
			_ = list[i].validate() // parsed elsewhere (a saved report): recompute the expiry
		}
		if list[i].Expired(now) {
			er.Expired = append(er.Expired, list[i])
		} else {
			active = append(active, &list[i])
			byControl[list[i].Control] = append(byControl[list[i].Control], &list[i])
		}
	}
	var metas map[snapshot.ObjectKey]*metav1.ObjectMeta
	if snap != nil {
		metas = snap.ObjectMetas()
	}
	used := map[*Exception]bool{}
	for ci := range rep.Controls {
		c := &rep.Controls[ci]
		candidates := byControl[c.ID]
		changed := false
		for ri := range c.Results {
			r := &c.Results[ri]
			if r.Exception != nil { // undo an earlier application
				r.Status, r.Exception = r.Exception.Status, nil
				changed = true
			}
			if r.Status != Fail && r.Status != Warn || len(candidates) == 0 && opts.Annotation == "" {
				continue
			}
			meta := metas[snapshot.ObjectKey{Kind: r.Resource.Kind, Namespace: r.Resource.Namespace, Name: r.Resource.Name}]
			var labels map[string]string
			if meta != nil {
				labels = meta.Labels
			}
			var hit *Exception
			for _, e := range candidates {
				if e.matches(c.ID, r.Resource, labels) {
					hit = e
					used[e] = true
					break
				}
			}
			if hit == nil && opts.Annotation != "" && meta != nil {
				hit = annotationException(er, opts.Annotation, meta.Annotations[opts.Annotation], c.ID, r.Resource, now)
			}
			if hit != nil {
				r.Exception = &AppliedException{Exception: *hit, Status: r.Status}
				r.Status = Excepted
				er.Applied++
				changed = true
			}
		}
		if changed {
			resort(c.Results)
			c.Status = Aggregate(c.Results)
			c.Counts = countStatuses(c.Results)
		}
	}
	for _, e := range active {
		if !used[e] {
			er.Unmatched = append(er.Unmatched, *e)
		}
	}
	sort.Strings(er.Invalid)
	rep.Exceptions = er
	if len(list) == 0 && opts.Annotation == "" {
		rep.Exceptions = nil
	}
	rep.Summary = summarize(rep.Controls)
}

// annotationException reads the exceptions an object declares about itself in the allowed
// annotation, and returns the one for controlID, if any and not expired. A bad value is
// recorded in er.Invalid and excepts nothing.
func annotationException(er *ExceptionsReport, name, value, controlID string, r Resource, now time.Time) *Exception {
	if value == "" {
		return nil
	}
	where := fmt.Sprintf("annotation %s on %s", name, r)
	js, err := strictyaml.ToJSON([]byte(value))
	var raws []json.RawMessage
	if err == nil {
		err = strictJSON(js, &raws)
	}
	if err != nil {
		addInvalid(er, fmt.Sprintf("%s: want a list of exceptions: %v", where, err))
		return nil
	}
	for i, raw := range raws {
		e, err := parseAnnotationEntry(raw, r)
		if err != nil {
			addInvalid(er, fmt.Sprintf("%s: [%d]: %v", where, i, err))
			continue
		}
		if e.Control != controlID || e.Expired(now) {
			continue
		}
		e.Source, e.FromObject = where, true
		return &e
	}
	return nil
}

func parseAnnotationEntry(raw []byte, r Resource) (Exception, error) {
	var e Exception
	if err := strictJSON(raw, &e); err != nil {
		return e, err
	}
	if e.Resource.Kind != "" || e.Resource.Namespace != "" || e.Resource.Name != "" || len(e.Resource.Labels) > 0 || e.Source != "" || e.FromObject {
		return e, fmt.Errorf("resource, source and fromObject cannot be set in an annotation: it covers its own object only")
	}
	e.Resource = ResourceSelector{Kind: r.Kind, Namespace: r.Namespace, Name: r.Name}
	return e, e.validate()
}

func addInvalid(er *ExceptionsReport, msg string) {
	for _, m := range er.Invalid {
		if m == msg { // the same annotation is read once per failing control
			return
		}
	}
	er.Invalid = append(er.Invalid, msg)
}

// resort puts results back in report order (as sortResults does: status rank, namespace,
// kind, name, stable) after statuses changed. It sorts indexes, not the results themselves:
// moving 10,000 Result structs through a stable sort cost most of ApplyExceptions' time.
func resort(rs []Result) {
	rank := make(map[Status]int, len(Statuses))
	for i, st := range Statuses {
		rank[st] = i
	}
	ranks := make([]int, len(rs))
	idx := make([]int, len(rs))
	for i := range rs {
		r, ok := rank[rs[i].Status]
		if !ok {
			r = 0 // as sortResults: an unknown status ranks like the first
		}
		ranks[i], idx[i] = r, i
	}
	slices.SortStableFunc(idx, func(i, j int) int {
		if c := cmp.Compare(ranks[i], ranks[j]); c != 0 {
			return c
		}
		a, b := rs[i].Resource, rs[j].Resource
		return cmp.Or(strings.Compare(a.Namespace, b.Namespace), strings.Compare(a.Kind, b.Kind), strings.Compare(a.Name, b.Name))
	})
	sorted := make([]Result, len(rs))
	for k, i := range idx {
		sorted[k] = rs[i]
	}
	copy(rs, sorted)
}
