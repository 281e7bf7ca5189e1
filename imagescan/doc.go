// Package imagescan scans the images a cluster runs for known vulnerabilities and records the
// results in the snapshot (snapshot.ImageScan). The scanning itself is Trivy used as a Go
// library, in package imagescan/trivyscan, which only the audit-imagescan executable links:
// Trivy's code would make every audit command start 0.1 s slower and 70 MB larger, scan or
// not. This package lists what to scan (Targets) and runs that executable (Scan).
//
// It is part of collecting: it pulls images from their registries and reads a vulnerability
// database, and the checks then read what it recorded. Two modes:
//
//   - server: a Trivy server (`trivy server`) holds the database and matches packages to
//     vulnerabilities; the scanner pulls the image layers and analyses them, sending the
//     package lists to the server (Trivy's client/server mode);
//   - local: a vulnerability database already in a cache directory (copied in by the user for
//     air-gapped use). The database is never downloaded: without one, Scan fails and says how
//     to get it.
//
// Registry credentials are the user's own (the Docker config keychain, as `docker pull` uses),
// or none. imagePullSecrets are never read: the collector never reads a Secret's value.
//
// Trivy version: v0.66.0, the newest release that builds with a plain Go 1.26 toolchain. From
// v0.67.0 Trivy imports encoding/json/v2, which Go 1.26 builds only with GOEXPERIMENT=jsonv2,
// and whose API Go 1.27 changed (json.SkipFunc), so that v0.74.0 builds on no released Go
// without that variable. v0.66.0 uses github.com/go-json-experiment/json, which stands in
// for encoding/json/v2 whenever the jsonv2 experiment is on: on by default in Go 1.27, where
// that same rename breaks it. So the scanner is compiled when the experiment is off (Go 1.26,
// or Go 1.27 with GOEXPERIMENT=nojsonv2); otherwise audit-imagescan says how to rebuild it.
// The vulnerability data comes from the database (schema 2, the same for all these
// releases), not from the library, so an older library matches today's advisories.
package imagescan

import (
	"io"
	"time"

	"github.com/kubeposture/kubeposture/snapshot"
)

// TrivyVersion is the version of the Trivy library the scanner is built with (go.mod).
const TrivyVersion = "v0.66.0"

// Options configure a scan. Exactly one of Server and CacheDir is set.
type Options struct {
	// Server is the URL of a Trivy server (client/server mode).
	Server string `json:"server,omitempty"`
	// CacheDir is a Trivy cache directory holding db/trivy.db and db/metadata.json (local mode).
	CacheDir string `json:"cacheDir,omitempty"`
	// Timeout bounds the scan of one image (pull, analysis, matching).
	Timeout time.Duration `json:"timeout,omitempty"`
	// Concurrency is how many images are scanned at once.
	Concurrency int `json:"concurrency,omitempty"`
	// Progress, when not nil, receives one line per image scanned.
	Progress io.Writer `json:"-"`
}

// Defaults for Options.
const (
	DefaultTimeout     = 5 * time.Minute
	DefaultConcurrency = 3
)

// Result is what a scan found: one ImageScan per target, and the outcome of the whole.
type Result struct {
	Scans      []snapshot.ImageScan `json:"scans"`
	Collection snapshot.Collection  `json:"collection"`
}

// Apply records r in s.
func (r *Result) Apply(s *snapshot.Snapshot) {
	if s.Resources == nil {
		s.Resources = map[snapshot.Resource]snapshot.Collection{}
	}
	s.Resources[snapshot.ResImages] = r.Collection
	s.ImageScans = r.Scans
}
