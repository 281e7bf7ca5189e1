// Package report renders a *checks.Report for people (table) and for programs (json), and
// the control catalog for `audit controls`.
//
// Renderers only present what the engine decided: they never re-derive a verdict, and their
// output is deterministic for a given report (maps are iterated in sorted order).
package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/kubeposture/kubeposture/checks"
)

// Format is an output format for a report.
type Format string

const (
	// Table is the human-readable text report.
	Table Format = "table"
	// JSON is the Report as documented in docs/report-json.md.
	JSON Format = "json"
)

// Formats lists the formats Write implements, in the order help texts show them.
var Formats = []Format{Table, JSON}

// planned lists formats that are foreseen but not written yet, so that asking for one gets a
// clearer error than "unknown".
var planned = []Format{"sarif", "html", "junit", "markdown"}

// ParseFormat accepts a format name as given on the command line, case-insensitively.
func ParseFormat(s string) (Format, error) {
	f := Format(strings.ToLower(strings.TrimSpace(s)))
	for _, v := range Formats {
		if f == v {
			return f, nil
		}
	}
	for _, v := range planned {
		if f == v {
			return "", fmt.Errorf("output format %q is not supported yet (want one of %s)", s, formatNames(Formats))
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
	// Color asks for ANSI colours in the table. Reserved: no format uses colour yet, so the
	// output is the same either way.
	Color bool
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
	}
	_, err := ParseFormat(string(format))
	if err == nil {
		err = fmt.Errorf("output format %q is not implemented", format)
	}
	return err
}

// writeJSON writes the Report as-is: its Go type is the documented schema. The only
// normalisation is that "controls" is always an array, never null.
func writeJSON(w io.Writer, rep *checks.Report) error {
	out := *rep
	if out.Controls == nil {
		out.Controls = []checks.ControlReport{}
	}
	return encodeJSON(w, &out)
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
