// Package report renders a *checks.Report for people (table, a self-contained HTML page, a
// Markdown summary) and for programs (JSON, SARIF 2.1.0, JUnit XML, OSCAL assessment
// results), and the control catalog for `audit controls`.
//
// Renderers only present what the engine decided: they never re-derive a verdict, and their
// output is deterministic for a given report (maps are iterated in sorted order).
package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

// Format is an output format for a report.
type Format string

const (
	// Table is the human-readable text report.
	Table Format = "table"
	// JSON is the Report as documented in docs/report-json.md.
	JSON Format = "json"
	// HTML is one self-contained page (no external resource): charts, findings, filters.
	HTML Format = "html"
	// SARIF is a SARIF 2.1.0 log for code-scanning dashboards: one rule per control, one
	// result per failing resource.
	SARIF Format = "sarif"
	// JUnit is JUnit XML for CI systems: one test case per control and resource.
	JUnit Format = "junit"
	// Markdown is a short summary for a pull-request comment or a ticket.
	Markdown Format = "markdown"
	// OSCAL is a NIST OSCAL 1.0.6 Assessment Results document for compliance tooling: one
	// result per scan, an observation per result, a finding per control (oscal.go).
	OSCAL Format = "oscal"
)

// Formats lists the formats Write implements, in the order help texts show them.
var Formats = []Format{Table, JSON, HTML, SARIF, JUnit, Markdown, OSCAL}

// ParseFormat accepts a format name as given on the command line, case-insensitively.
func ParseFormat(s string) (Format, error) {
	f := Format(strings.ToLower(strings.TrimSpace(s)))
	for _, v := range Formats {
		if f == v {
			return f, nil
		}
	}
	return "", fmt.Errorf("unknown output format %q (want one of %s)", s, formatNames(Formats))
}

func formatNames[F ~string](fs []F) string {
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = string(f)
	}
	return strings.Join(names, ", ")
}

// DefaultMaxResources is how many failing or warning resources the table lists per control
// when Options.MaxResources is zero.
const DefaultMaxResources = 10

// Options tune the human-readable formats. The zero value is the default.
type Options struct {
	// MaxResources caps the resources listed per control in the table's findings; the rest
	// are counted in a "… and K more" line. 0 means DefaultMaxResources, a negative value
	// lists them all. The JSON format always holds every result.
	MaxResources int
	// SARIF says where the SARIF format's results point (sarif_location.go).
	SARIF SARIFOptions

	// The table's listing (see writeTable). Statuses are the statuses of the controls it
	// lists (nil: FAIL and WARN); MinSeverity leaves out the less severe ("": none);
	// MaxControls caps the rows (0: DefaultMaxControls, negative: all); SummaryOnly writes
	// the header and the scores only; Details adds each listed control's evidence.
	Statuses    []checks.Status
	MinSeverity checks.Severity
	MaxControls int
	SummaryOnly bool
	Details     bool
	// Color colours statuses, severities and scores with ANSI sequences (for a terminal);
	// Width is the table's width in cells (0: DefaultWidth).
	Color bool
	Width int
}

func (o Options) maxResources() int {
	switch {
	case o.MaxResources == 0:
		return DefaultMaxResources
	case o.MaxResources < 0:
		return int(^uint(0) >> 1)
	}
	return o.MaxResources
}

// Write renders rep to w in the given format.
func Write(w io.Writer, rep *checks.Report, format Format, opts Options) error {
	if rep == nil {
		return errors.New("report: nil report")
	}
	switch format {
	case Table:
		return writeTable(w, rep, opts)
	case JSON:
		return writeJSON(w, rep)
	case HTML:
		return writeHTML(w, rep)
	case SARIF:
		return writeSARIF(w, rep, opts.SARIF)
	case JUnit:
		return writeJUnit(w, rep)
	case Markdown:
		return writeMarkdown(w, rep, opts)
	case OSCAL:
		return writeOSCAL(w, rep)
	}
	_, err := ParseFormat(string(format))
	if err == nil {
		err = fmt.Errorf("output format %q is not implemented", format)
	}
	return err
}

// jsonHead is checks.Report without its controls, field for field in the same order, so that
// writeJSON can stream the controls after it.
type jsonHead struct {
	SchemaVersion string                   `json:"schemaVersion"`
	Cluster       snapshot.Cluster         `json:"cluster"`
	CollectedAt   time.Time                `json:"collectedAt"`
	GeneratedAt   time.Time                `json:"generatedAt"`
	ToolVersion   string                   `json:"toolVersion"`
	Selection     checks.Selection         `json:"selection"`
	Summary       checks.Summary           `json:"summary"`
	NotCollected  []checks.NotCollected    `json:"notCollected,omitempty"`
	Exceptions    *checks.ExceptionsReport `json:"exceptions,omitempty"`
	Sources       map[string]string        `json:"sources,omitempty"`
}

// writeJSON writes the Report as-is (its Go type is the documented schema), byte for byte as
// a json.Encoder indenting by two spaces would, but control by control, so that a large
// report is never held a second time as one encoded buffer. "controls" is always an array.
func writeJSON(w io.Writer, rep *checks.Report) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	head := jsonHead{rep.SchemaVersion, rep.Cluster, rep.CollectedAt, rep.GeneratedAt, rep.ToolVersion,
		rep.Selection, rep.Summary, rep.NotCollected, rep.Exceptions, rep.Sources}
	if err := enc.Encode(&head); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	// The head always has fields, so it ends "\n}\n": reopen it for "controls".
	b := bytes.TrimSuffix(buf.Bytes(), []byte("\n}\n"))
	if len(rep.Controls) == 0 {
		if _, err := fmt.Fprintf(w, "%s,\n  \"controls\": []\n}\n", b); err != nil {
			return fmt.Errorf("report: %w", err)
		}
		return nil
	}
	if _, err := fmt.Fprintf(w, "%s,\n  \"controls\": [", b); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	enc.SetIndent("    ", "  ")
	for i := range rep.Controls {
		buf.Reset()
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.WriteString("\n    ")
		if err := enc.Encode(&rep.Controls[i]); err != nil {
			return fmt.Errorf("report: control %s: %w", rep.Controls[i].ID, err)
		}
		buf.Truncate(buf.Len() - 1) // the encoder's newline
		if _, err := w.Write(buf.Bytes()); err != nil {
			return fmt.Errorf("report: %w", err)
		}
	}
	if _, err := io.WriteString(w, "\n  ]\n}\n"); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}

func encodeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}

// ReadJSON reads a report written by the JSON format, for re-rendering and comparing saved
// results. Fields it does not know are ignored (they may come from a newer version, which
// adds fields without changing the schema version); a different schemaVersion is refused.
func ReadJSON(r io.Reader) (*checks.Report, error) {
	var rep checks.Report
	dec := json.NewDecoder(r)
	if err := dec.Decode(&rep); err != nil {
		return nil, fmt.Errorf("not a kubeposture JSON report: %w", err)
	}
	if rep.SchemaVersion != checks.ReportSchemaVersion {
		return nil, fmt.Errorf("schemaVersion is %q, want %q (write the report with 'audit scan --output json')", rep.SchemaVersion, checks.ReportSchemaVersion)
	}
	if dec.More() {
		return nil, errors.New("not a kubeposture JSON report: more than one JSON value")
	}
	return &rep, nil
}

// ReadJSONFile reads a JSON report from a file; errors name the file.
func ReadJSONFile(path string) (*checks.Report, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rep, err := ReadJSON(bufio.NewReaderSize(f, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return rep, nil
}
