package report_test

import (
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/report"
)

// exceptedReport is testReport with the anonymous-auth failure and one privileged pod
// excepted, one expired and one unmatched exception.
func exceptedReport(t *testing.T) *checks.Report {
	t.Helper()
	rep := testReport(t)
	list, err := checks.ParseExceptions("exceptions.yaml", []byte(`apiVersion: kubeposture.io/v1alpha1
kind: Exceptions
exceptions:
- control: TEST-CP-FAIL
  resource: {kind: Component, name: kube-apiserver-cp-1}
  reason: anonymous health checks by the load balancer
  owner: platform-team
  ticket: SEC-7
  expires: "2099-01-01"
- control: TEST-WL-MANY
  resource: {namespace: shop, name: pod-03}
  reason: debugging pod
  owner: shop-team
  expires: "2099-01-01"
- control: TEST-WL-MANY
  resource: {name: pod-04}
  reason: old
  owner: shop-team
  expires: "2020-01-01"
- control: TEST-NET-WARN
  resource: {name: nothing-here}
  reason: stale
  owner: net-team
  expires: "2099-01-01"
`))
	if err != nil {
		t.Fatal(err)
	}
	checks.ApplyExceptions(rep, nil, list, checks.ExceptionOptions{})
	return rep
}

func TestExceptedInEveryFormat(t *testing.T) {
	rep := exceptedReport(t)
	if c := rep.Controls[1]; c.ID != "TEST-CP-FAIL" || c.Status != checks.Excepted {
		t.Fatalf("%s is %s, want EXCEPTED", c.ID, c.Status)
	}

	table := render(t, rep, report.Table, report.Options{})
	for _, want := range []string{"EXCEPTED", "Exceptions", "excepted FAIL: anonymous health checks by the load balancer (owner platform-team, ticket SEC-7, expires 2099-01-01; exceptions.yaml#0)",
		"Expired exceptions", "TEST-WL-MANY name=pod-04", "NOT_EVALUATED  EXCEPTED", "1 excepted", "matched no FAIL or WARN", "TEST-NET-WARN name=nothing-here"} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q", want)
		}
	}
	md := render(t, rep, report.Markdown, report.Options{})
	for _, want := range []string{"### Exceptions", "TEST-CP-FAIL Component/kube-system/kube-apiserver-cp-1: excepted FAIL", "Expired exceptions"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
	html := render(t, rep, report.HTML, report.Options{})
	for _, want := range []string{"<option>EXCEPTED</option>", `class="badge b-EXCEPTED"`, `data-status="EXCEPTED"`, "section.control.s-EXCEPTED", "excepted FAIL: anonymous health checks", "Expired exceptions", "Exceptions that matched nothing"} {
		if !strings.Contains(html, want) {
			t.Errorf("html lacks %q", want)
		}
	}

	// SARIF: the excepted FAIL stays a result, suppressed (external, accepted) with the
	// justification; the log still validates against the SARIF schema.
	sarifDoc := render(t, rep, report.SARIF, report.Options{})
	validateSARIF(t, []byte(sarifDoc))
	var log struct {
		Runs []struct {
			Results []struct {
				RuleID       string `json:"ruleId"`
				Suppressions []struct {
					Kind, Status, Justification string
					Properties                  map[string]any
				} `json:"suppressions"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(sarifDoc), &log); err != nil {
		t.Fatal(err)
	}
	suppressed := 0
	for _, r := range log.Runs[0].Results {
		for _, s := range r.Suppressions {
			suppressed++
			if s.Kind != "external" || s.Status != "accepted" || !strings.Contains(s.Justification, "owner") || s.Properties["owner"] == nil {
				t.Errorf("suppression of %s: %+v", r.RuleID, s)
			}
		}
	}
	if suppressed != 2 {
		t.Errorf("%d suppressed SARIF results, want 2 (the component and pod-03)", suppressed)
	}

	// JUnit: skipped, with the exception's reason.
	var suites report.JUnitSuites
	if err := xml.Unmarshal([]byte(render(t, rep, report.JUnit, report.Options{})), &suites); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, s := range suites.Suites {
		for _, c := range s.Cases {
			if c.Skipped != nil && strings.HasPrefix(c.Skipped.Message, "EXCEPTED: excepted FAIL: debugging pod") {
				found = true
			}
			if c.Failure != nil && c.Name == "Component/kube-system/kube-apiserver-cp-1" {
				t.Errorf("the excepted component still fails in JUnit")
			}
		}
	}
	if !found {
		t.Errorf("no JUnit case skipped with the exception's reason")
	}

	// JSON keeps the exception and the lists, and reads back.
	back, err := report.ReadJSON(strings.NewReader(render(t, rep, report.JSON, report.Options{})))
	if err != nil {
		t.Fatal(err)
	}
	e := back.Controls[1].Results[0].Exception
	if e == nil || e.Status != checks.Fail || e.Owner != "platform-team" || back.Exceptions == nil || len(back.Exceptions.Expired) != 1 || len(back.Exceptions.Unmatched) != 1 {
		t.Errorf("JSON round trip: %+v, %+v", e, back.Exceptions)
	}
}
