package checks

import (
	"time"

	"github.com/kubeposture/kubeposture/snapshot"
)

// ReportSchemaVersion versions the JSON form of Report (docs/report-json.md). It changes
// when a field is renamed or removed, not when one is added.
const ReportSchemaVersion = "kubeposture.io/report/v1alpha1"

// Report is the outcome of a run: every selected control with its results, and summaries.
// Reporters render it; they never re-derive a verdict.
type Report struct {
	SchemaVersion string           `json:"schemaVersion"`
	Cluster       snapshot.Cluster `json:"cluster"`
	CollectedAt   time.Time        `json:"collectedAt"`
	GeneratedAt   time.Time        `json:"generatedAt"`
	ToolVersion   string           `json:"toolVersion"`
	Selection     Selection        `json:"selection"`
	Summary       Summary          `json:"summary"`
	// NotCollected lists the resources the collector could not read, and why: the checks
	// that needed them are NOT_EVALUATED.
	NotCollected []NotCollected `json:"notCollected,omitempty"`
	// Exceptions lists the exceptions that did not apply (expired, unmatched); nil when no
	// exceptions were given.
	Exceptions *ExceptionsReport `json:"exceptions,omitempty"`
	// Sources maps the objects read from manifest files to those files (snapshot.Sources), so
	// that renderers can point at a file as well as at the object.
	Sources  map[string]string `json:"sources,omitempty"`
	Controls []ControlReport   `json:"controls"`
}

// NotCollected is a resource the collector could not read.
type NotCollected struct {
	Resource snapshot.Resource `json:"resource"`
	State    snapshot.State    `json:"state"`
	Message  string            `json:"message,omitempty"`
	// Permission is the RBAC permission that was missing, as `kubectl auth can-i` takes it
	// ("list secrets", "get nodes/proxy"); set when the read was forbidden.
	Permission string `json:"permission,omitempty"`
	// Controls are the selected controls that needed the resource and are NOT_EVALUATED.
	Controls []string `json:"controls,omitempty"`
}

// ControlReport is one control's outcome.
type ControlReport struct {
	Control
	// Status aggregates the results (see Aggregate).
	Status  Status         `json:"status"`
	Counts  map[Status]int `json:"counts"`
	Results []Result       `json:"results"`
}
