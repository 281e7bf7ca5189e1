package report

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/kubeposture/kubeposture/checks"
)

// CheckCompactResults compares, for every FAIL result of rep, compactResult's encoding with
// the generic compactJSON one, and returns how many it compared.
func CheckCompactResults(t *testing.T, rep *checks.Report) int {
	t.Helper()
	n := 0
	loc, err := newLocator(rep, SARIFOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range rep.Controls {
		c := &rep.Controls[i]
		for j := range c.Results {
			if c.Results[j].Status != checks.Fail {
				continue
			}
			r, err := sarifResult(rep, c, i, &c.Results[j], loc)
			if err != nil {
				t.Fatal(err)
			}
			generic, err := compactJSON(r)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := json.Marshal(generic)
			got, err := json.Marshal(compactResult(r))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != string(want) {
				t.Fatalf("result %s %s:\nfast    %s\ngeneric %s", c.ID, c.Results[j].Resource, got, want)
			}
			n++
		}
	}
	return n
}

// OSCALWhole builds rep's OSCAL document in memory and encodes it in one piece, as the
// streaming writer's output must read.
func OSCALWhole(rep *checks.Report) ([]byte, error) {
	d := newOSCALDoc(rep)
	doc := d.document()
	res := d.result()
	if err := d.eachObservation(func(o *oscalObservation) error {
		res.Observations = append(res.Observations, *o)
		return nil
	}); err != nil {
		return nil, err
	}
	for i := range rep.Controls {
		res.Findings = append(res.Findings, d.finding(i))
	}
	doc.Results = []oscalResult{res}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	err := enc.Encode(oscalDocument{AssessmentResults: doc})
	return b.Bytes(), err
}

// SetSARIFMaxResults lowers the results a SARIF run holds, for a test, until it ends.
func SetSARIFMaxResults(t *testing.T, n int) {
	old := sarifMaxResults
	sarifMaxResults = n
	t.Cleanup(func() { sarifMaxResults = old })
}

// WrapHTML is wrapHTML, for its test.
var WrapHTML = wrapHTML
