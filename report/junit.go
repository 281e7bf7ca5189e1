package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/kubeposture/kubeposture/checks"
)

// The JUnit XML elements CI systems read (Jenkins, GitLab, Azure DevOps, the JUnit 5
// "legacy" report): testsuites > testsuite (one per control) > testcase (one per resource),
// with failure for FAIL and skipped for verdicts that are neither pass nor fail. The types are
// exported so that a reader (or a test) can parse the document back.
type (
	JUnitSuites struct {
		XMLName  xml.Name     `xml:"testsuites"`
		Name     string       `xml:"name,attr"`
		Tests    int          `xml:"tests,attr"`
		Failures int          `xml:"failures,attr"`
		Skipped  int          `xml:"skipped,attr"`
		Time     string       `xml:"time,attr"`
		Suites   []JUnitSuite `xml:"testsuite"`
	}
	JUnitSuite struct {
		Name       string          `xml:"name,attr"`
		Tests      int             `xml:"tests,attr"`
		Failures   int             `xml:"failures,attr"`
		Errors     int             `xml:"errors,attr"`
		Skipped    int             `xml:"skipped,attr"`
		Time       string          `xml:"time,attr"`
		Timestamp  string          `xml:"timestamp,attr,omitempty"`
		Properties []JUnitProperty `xml:"properties>property,omitempty"`
		Cases      []JUnitCase     `xml:"testcase"`
	}
	JUnitProperty struct {
		Name  string `xml:"name,attr"`
		Value string `xml:"value,attr"`
	}
	JUnitCase struct {
		Name      string        `xml:"name,attr"`
		Classname string        `xml:"classname,attr"`
		Time      string        `xml:"time,attr"`
		Failure   *JUnitMessage `xml:"failure,omitempty"`
		Skipped   *JUnitMessage `xml:"skipped,omitempty"`
		SystemOut string        `xml:"system-out,omitempty"`
	}
	JUnitMessage struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr,omitempty"`
		Text    string `xml:",chardata"`
	}
)

// buildJUnit maps the report onto JUnit: PASS passes; FAIL is a failure whose body is the
// evidence and remediation; NOT_EVALUATED, NOT_APPLICABLE and MANUAL are skipped with their
// reason (a CI system must not count them as passed), and so is EXCEPTED, with the
// exception's reason, owner and expiry; WARN passes with the warning in
// system-out, since it is not a clear failure.
func buildJUnit(rep *checks.Report) JUnitSuites {
	out := JUnitSuites{Name: "kubeposture " + clusterName(rep), Time: "0"}
	for _, c := range rep.Controls {
		s := JUnitSuite{Name: c.ID + " " + oneLine(c.Title), Time: "0", Timestamp: formatTime(rep.GeneratedAt),
			Properties: []JUnitProperty{
				{"layer", string(c.Layer)}, {"severity", string(c.Severity)}, {"status", string(c.Status)},
			}}
		for _, ref := range refLines(c.Control) {
			name, value, _ := strings.Cut(ref, ": ")
			s.Properties = append(s.Properties, JUnitProperty{name, value})
		}
		for _, r := range c.Results {
			tc := JUnitCase{Name: r.Resource.String(), Classname: "kubeposture." + c.ID, Time: "0"}
			switch r.Status {
			case checks.Pass:
			case checks.Fail:
				tc.Failure = &JUnitMessage{Message: failureMessage(r), Type: string(c.Severity),
					Text: evidenceText(r) + "\nremediation: " + strings.TrimSpace(c.Remediation)}
				s.Failures++
			case checks.Warn:
				tc.SystemOut = "WARN: " + evidenceText(r)
			default:
				reason := r.Reason
				if exc := exceptionText(r); exc != "" {
					reason = exc
				} else if reason == "" {
					reason = evidenceText(r)
				}
				tc.Skipped = &JUnitMessage{Message: string(r.Status) + ": " + oneLine(reason)}
				s.Skipped++
			}
			s.Cases = append(s.Cases, tc)
		}
		s.Tests = len(s.Cases)
		out.Tests += s.Tests
		out.Failures += s.Failures
		out.Skipped += s.Skipped
		out.Suites = append(out.Suites, s)
	}
	return out
}

func failureMessage(r checks.Result) string {
	if r.Evidence.Observed != "" {
		return "observed " + oneLine(r.Evidence.Observed)
	}
	return string(r.Status)
}

// evidenceText lists a result's evidence one field a line.
func evidenceText(r checks.Result) string {
	var lines []string
	for _, f := range [][2]string{{"observed", r.Evidence.Observed}, {"expected", r.Evidence.Expected}, {"where", r.Evidence.Where}, {"reason", r.Reason}} {
		if f[1] != "" {
			lines = append(lines, f[0]+": "+f[1])
		}
	}
	return strings.Join(lines, "\n")
}

func writeJUnit(w io.Writer, rep *checks.Report) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("report: junit: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(buildJUnit(rep)); err != nil {
		return fmt.Errorf("report: junit: %w", err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("report: junit: %w", err)
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return fmt.Errorf("report: junit: %w", err)
	}
	return nil
}
