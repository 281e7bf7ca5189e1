package checks

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubeposture/kubeposture/internal/sizelimit"
	"github.com/kubeposture/kubeposture/snapshot"
)

const goodExceptions = `apiVersion: kubeposture.io/v1alpha1
kind: Exceptions
exceptions:
- control: KP-T-1
  resource: {kind: Pod, namespace: mon, name: "node-exporter-*"}
  reason: needs host network to read node metrics
  owner: platform-team
  ticket: SEC-42
  expires: "2027-01-31"
- control: KP-T-1
  resource: {labels: {app: legacy}}
  reason: being replaced
  owner: app-team
  expires: "2026-12-31"
- control: KP-T-1
  resource: {kind: Pod, name: gone}
  reason: was fixed
  owner: app-team
  expires: "2027-06-30"
- control: KP-T-1
  resource: {kind: Pod, name: old}
  reason: accepted last year
  owner: app-team
  expires: "2026-01-31"
`

func TestParseExceptionsErrors(t *testing.T) {
	head := "apiVersion: kubeposture.io/v1alpha1\nkind: Exceptions\nexceptions:\n"
	entry := "- control: KP-T-1\n  resource: {kind: Pod}\n  reason: r\n  owner: o\n  expires: \"2027-01-01\"\n"
	for _, tc := range []struct{ name, doc, want string }{
		{"unknown field", head + entry + "  colour: red\n", `x.yaml: exceptions[0]: unknown field "colour"`},
		{"unknown field second entry", head + entry + entry + "  expiry: \"2027-01-01\"\n", `exceptions[1]: unknown field "expiry"`},
		{"bad date", head + strings.Replace(entry, "2027-01-01", "2027-13-01", 1), `exceptions[0]: expires: "2027-13-01" is not an RFC 3339 date`},
		{"timestamp is not a date", head + strings.Replace(entry, `"2027-01-01"`, `"2027-01-01T00:00:00Z"`, 1), `expires: "2027-01-01T00:00:00Z" is not an RFC 3339 date`},
		{"missing reason", head + strings.Replace(entry, "  reason: r\n", "", 1), "exceptions[0]: reason: missing"},
		{"missing owner", head + strings.Replace(entry, "  owner: o\n", "", 1), "exceptions[0]: owner: missing"},
		{"missing expiry", head + strings.Replace(entry, "  expires: \"2027-01-01\"\n", "", 1), "exceptions[0]: expires: missing"},
		{"missing control", head + strings.Replace(entry, "- control: KP-T-1\n  resource", "- resource", 1), "exceptions[0]: control: missing"},
		{"empty selector", head + strings.Replace(entry, "{kind: Pod}", "{}", 1), "exceptions[0]: resource: missing"},
		{"bad glob", head + strings.Replace(entry, "{kind: Pod}", `{name: "a["}`, 1), "resource.name"},
		{"source set by hand", head + entry + "  source: me\n", "set by kubeposture"},
		{"wrong kind", "apiVersion: v1\nkind: ConfigMap\n", "want apiVersion kubeposture.io/v1alpha1, kind Exceptions"},
		{"top-level typo", head + entry + "exception: []\n", `x.yaml: unknown field "exception"`},
		{"not yaml", "a: [", "x.yaml: yaml: line 1"},
		{"control twice", head + strings.Replace(entry, "  resource:", "  control: KP-T-2\n  resource:", 1), `x.yaml: yaml: line 5: key "control" already set in map`},
		{"a key twice in a selector", head + strings.Replace(entry, "{kind: Pod}", "{kind: Pod, kind: Secret}", 1), `key "kind" already set`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseExceptions("x.yaml", []byte(tc.doc))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to contain %q", err, tc.want)
			}
		})
	}
	list, err := ParseExceptions("x.yaml", []byte(goodExceptions))
	if err != nil || len(list) != 4 || list[0].Source != "x.yaml#0" || list[1].Resource.Labels["app"] != "legacy" {
		t.Fatalf("good file: %v, %+v", err, list)
	}
}

func exceptionsReport() *Report {
	res := func(st Status, ns, name string) Result {
		return Result{Status: st, Resource: Resource{Kind: "Pod", Namespace: ns, Name: name}}
	}
	mk := func(id string, rs ...Result) ControlReport {
		for i := range rs {
			rs[i].ControlID = id
		}
		return ControlReport{Control: Control{ID: id, Layer: Workload, Severity: High}, Status: Aggregate(rs), Counts: countStatuses(rs), Results: rs}
	}
	rep := &Report{Controls: []ControlReport{
		// every failure excepted: the control is EXCEPTED
		mk("KP-T-1", res(Fail, "mon", "node-exporter-abc"), res(Warn, "app", "legacy-1"), res(Fail, "app", "old"), res(Pass, "app", "ok")),
		// the same selector does not reach another control
		mk("KP-T-2", res(Fail, "mon", "node-exporter-abc")),
		mk("KP-T-3", res(Pass, "app", "ok")),
	}}
	rep.Summary = summarize(rep.Controls)
	return rep
}

func exceptionsSnapshot(annotations map[string]string) *snapshot.Snapshot {
	pod := func(ns, name string, labels, ann map[string]string) corev1.Pod {
		return corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Labels: labels, Annotations: ann}}
	}
	return &snapshot.Snapshot{Pods: []corev1.Pod{
		pod("mon", "node-exporter-abc", nil, annotations),
		pod("app", "legacy-1", map[string]string{"app": "legacy"}, nil),
		pod("app", "old", nil, annotations),
	}}
}

func TestApplyExceptions(t *testing.T) {
	list, err := ParseExceptions("x.yaml", []byte(goodExceptions))
	if err != nil {
		t.Fatal(err)
	}
	rep := exceptionsReport()
	before := rep.Summary.Total
	now := time.Date(2026, 12, 31, 23, 0, 0, 0, time.UTC) // the last day of the labels entry
	ApplyExceptions(rep, exceptionsSnapshot(nil), list, ExceptionOptions{Now: now})

	c1, c2 := rep.Controls[0], rep.Controls[1]
	// KP-T-1: node-exporter (glob) and legacy-1 (labels) excepted; "old" expired so still FAIL.
	if c1.Status != Fail || c1.Counts[Excepted] != 2 || c1.Counts[Fail] != 1 {
		t.Errorf("KP-T-1: %s %v, want FAIL with 2 EXCEPTED and 1 FAIL", c1.Status, c1.Counts)
	}
	var exc []Result
	for _, r := range c1.Results {
		if r.Status == Excepted {
			exc = append(exc, r)
		}
	}
	if len(exc) != 2 || exc[0].Exception == nil || exc[1].Exception == nil {
		t.Fatalf("excepted results: %+v", exc)
	}
	byName := map[string]*AppliedException{exc[0].Resource.Name: exc[0].Exception, exc[1].Resource.Name: exc[1].Exception}
	if e := byName["node-exporter-abc"]; e == nil || e.Status != Fail || e.Owner != "platform-team" || e.Ticket != "SEC-42" || e.Expires != "2027-01-31" || e.FromObject {
		t.Errorf("node-exporter exception: %+v", e)
	}
	if e := byName["legacy-1"]; e == nil || e.Status != Warn || e.Source != "x.yaml#1" {
		t.Errorf("legacy exception: %+v", e)
	}
	if c2.Status != Fail {
		t.Errorf("KP-T-2: %s: an exception of KP-T-1 must not reach it", c2.Status)
	}
	if rep.Exceptions == nil || rep.Exceptions.Applied != 2 || len(rep.Exceptions.Expired) != 1 || rep.Exceptions.Expired[0].Resource.Name != "old" ||
		len(rep.Exceptions.Unmatched) != 1 || rep.Exceptions.Unmatched[0].Resource.Name != "gone" {
		t.Errorf("exceptions report: %+v", rep.Exceptions)
	}
	if rep.Summary.Total.Status[Fail] != before.Status[Fail] {
		t.Errorf("summary: %+v", rep.Summary.Total)
	}

	// A day later the labels entry has expired too: legacy-1 warns again.
	ApplyExceptions(rep, exceptionsSnapshot(nil), list, ExceptionOptions{Now: now.Add(2 * time.Hour)})
	if c := rep.Controls[0]; c.Counts[Excepted] != 1 || c.Counts[Warn] != 1 || len(rep.Exceptions.Expired) != 2 {
		t.Errorf("after expiry: %v, %+v", c.Counts, rep.Exceptions)
	}
}

// An all-excepted control is EXCEPTED: neither FAIL nor PASS, and out of the score.
func TestExceptedControlLeavesScore(t *testing.T) {
	rep := exceptionsReport()
	rep.Controls = rep.Controls[1:] // KP-T-2 (one FAIL), KP-T-3 (PASS)
	rep.Summary = summarize(rep.Controls)
	if rep.Summary.Total.Score != 50 {
		t.Fatalf("score before: %v", rep.Summary.Total.Score)
	}
	list := []Exception{{Control: "KP-T-2", Resource: ResourceSelector{Namespace: "mon"}, Reason: "r", Owner: "o", Expires: "2030-01-01"}}
	ApplyExceptions(rep, nil, list, ExceptionOptions{})
	tot := rep.Summary.Total
	if rep.Controls[0].Status != Excepted || tot.Status[Excepted] != 1 || tot.Evaluated != 1 || tot.Score != 100 {
		t.Errorf("after: control %s, total %+v; want EXCEPTED, evaluated 1 (the PASS), score 100", rep.Controls[0].Status, tot)
	}
	// Applying an empty list undoes it (a saved report re-rendered without the file).
	ApplyExceptions(rep, nil, nil, ExceptionOptions{})
	if rep.Controls[0].Status != Fail || rep.Controls[0].Results[0].Exception != nil || rep.Exceptions != nil {
		t.Errorf("undo: %+v", rep.Controls[0])
	}
}

func TestAnnotationExceptions(t *testing.T) {
	const ann = "kubeposture.io/exceptions"
	value := `[{"control":"KP-T-2","reason":"we need it","owner":"me","expires":"2030-01-01"}]`
	snap := exceptionsSnapshot(map[string]string{ann: value})

	// Not allowed: the object cannot exempt itself.
	rep := exceptionsReport()
	ApplyExceptions(rep, snap, nil, ExceptionOptions{})
	if rep.Controls[1].Status != Fail {
		t.Fatalf("an annotation excepted a result without --exception-annotation")
	}
	// Another annotation name is allowed: this one is still ignored.
	ApplyExceptions(rep, snap, nil, ExceptionOptions{Annotation: "other/name"})
	if rep.Controls[1].Status != Fail {
		t.Fatalf("an annotation other than the allowed one excepted a result")
	}
	ApplyExceptions(rep, snap, nil, ExceptionOptions{Annotation: ann})
	r := rep.Controls[1].Results[0]
	if r.Status != Excepted || r.Exception == nil || !r.Exception.FromObject || !strings.Contains(r.Exception.Source, "annotation "+ann+" on Pod/mon/node-exporter-abc") {
		t.Errorf("allowed annotation: %+v %+v", r, r.Exception)
	}
	if rep.Controls[0].Counts[Excepted] != 0 {
		t.Errorf("the annotation for KP-T-2 excepted KP-T-1: %v", rep.Controls[0].Counts)
	}

	// An annotation that names another resource, or is not a list, is invalid and excepts nothing.
	for _, bad := range []string{
		`[{"control":"KP-T-2","resource":{"name":"x"},"reason":"r","owner":"o","expires":"2030-01-01"}]`,
		`{"control":"KP-T-2"}`,
		`[{"control":"KP-T-2","reason":"r","owner":"o","expires":"soon"}]`,
	} {
		rep := exceptionsReport()
		ApplyExceptions(rep, exceptionsSnapshot(map[string]string{ann: bad}), nil, ExceptionOptions{Annotation: ann})
		if rep.Controls[1].Status != Fail || len(rep.Exceptions.Invalid) == 0 {
			t.Errorf("bad annotation %s: status %s, invalid %v", bad, rep.Controls[1].Status, rep.Exceptions.Invalid)
		}
	}
}

func FuzzParseExceptions(f *testing.F) {
	f.Add([]byte(goodExceptions))
	f.Add([]byte("apiVersion: kubeposture.io/v1alpha1\nkind: Exceptions\nexceptions: [{}]\n"))
	f.Add([]byte("exceptions: [{control: a, resource: {name: '['}}]"))
	f.Add([]byte("apiVersion: kubeposture.io/v1alpha1\nkind: Exceptions\nexceptions:\n- control: a\n  control: b\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		list, err := ParseExceptions("f.yaml", data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.yaml: ") {
				t.Errorf("error does not name the file: %v", err)
			}
			return
		}
		// Every accepted entry is complete and has a usable expiry.
		for i, e := range list {
			if e.Control == "" || e.Reason == "" || e.Owner == "" || e.expires.IsZero() {
				t.Errorf("entry %d accepted incomplete: %+v", i, e)
			}
		}
		ApplyExceptions(exceptionsReport(), exceptionsSnapshot(nil), list, ExceptionOptions{})
	})
}

// resort orders results exactly as the engine's sortResults does.
func TestResortMatchesSortResults(t *testing.T) {
	var rs []Result
	sts := []Status{Pass, Excepted, Fail, Warn, NotApplicable, "ODD", Manual, NotEvaluated}
	for i := 0; i < 200; i++ {
		rs = append(rs, Result{Status: sts[(i*7)%len(sts)], Resource: Resource{Kind: []string{"Pod", "Job"}[i%2],
			Namespace: string(rune('a' + (i*3)%5)), Name: string(rune('a' + (i*11)%13))}, Reason: string(rune(i))})
	}
	a, b := append([]Result(nil), rs...), append([]Result(nil), rs...)
	sortResults(a)
	resort(b)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("at %d: sortResults %+v, resort %+v", i, a[i], b[i])
		}
	}
}

// sortResults is a stable sort by status rank, namespace, kind and name: the same order as
// sort.SliceStable with that comparison, on inputs with many equal keys, sorted or not.
func TestSortResultsIsStable(t *testing.T) {
	rank := map[Status]int{}
	for i, s := range Statuses {
		rank[s] = i
	}
	less := func(rs []Result) func(i, j int) bool {
		return func(i, j int) bool {
			a, b := rs[i], rs[j]
			if rank[a.Status] != rank[b.Status] {
				return rank[a.Status] < rank[b.Status]
			}
			if a.Resource.Namespace != b.Resource.Namespace {
				return a.Resource.Namespace < b.Resource.Namespace
			}
			if a.Resource.Kind != b.Resource.Kind {
				return a.Resource.Kind < b.Resource.Kind
			}
			return a.Resource.Name < b.Resource.Name
		}
	}
	for n := 0; n < 300; n += 37 {
		for seed := uint64(1); seed <= 3; seed++ {
			x := seed
			rnd := func(m int) int { x = x*6364136223846793005 + 1442695040888963407; return int(x>>33) % m }
			rs := make([]Result, n)
			for i := range rs {
				rs[i] = Result{Status: Statuses[rnd(3)], Resource: Resource{Kind: "Pod", Namespace: string(rune('a' + rnd(3))),
					Name: string(rune('a' + rnd(4)))}, Reason: fmt.Sprint(i)} // Reason tells equal keys apart
			}
			want := append([]Result(nil), rs...)
			sort.SliceStable(want, less(want))
			sortResults(rs)
			for i := range rs {
				if rs[i] != want[i] {
					t.Fatalf("n=%d seed=%d at %d: %+v, want %+v", n, seed, i, rs[i], want[i])
				}
			}
		}
	}
}

// An exceptions file over sizelimit.ExceptionsFile is refused unread.
func TestReadExceptionsFileLimit(t *testing.T) {
	p := filepath.Join(t.TempDir(), "exceptions.yaml")
	if err := os.WriteFile(p, []byte("apiVersion: kubeposture.io/v1alpha1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(p, sizelimit.ExceptionsFile+1); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadExceptionsFile(p); !sizelimit.IsTooLarge(err) || !strings.Contains(err.Error(), p) {
		t.Errorf("err = %v, want the file refused by its size, named", err)
	}
}
