// Package imagescan scans the images a cluster runs for known vulnerabilities, with Trivy
// used as a Go library, and records the results in the snapshot (snapshot.ImageScan). It is
// the only package that imports Trivy, so that its weight stays here.
//
// It is part of collecting: it pulls images from their registries and reads a vulnerability
// database, and the checks then read what it recorded. Two modes:
//
//   - server: a Trivy server (`trivy server`) holds the database and matches packages to
//     vulnerabilities; this process pulls the image layers and analyses them, sending the
//     package lists to the server (Trivy's client/server mode);
//   - local: a vulnerability database already in a cache directory (copied in by the user for
//     air-gapped use). The database is never downloaded: without one, Scan fails and says how
//     to get it.
//
// Registry credentials are the user's own (the Docker config keychain, as `docker pull` uses),
// or none. imagePullSecrets are never read: the collector never reads a Secret's value.
//
// Build: Trivy v0.74.0 uses encoding/json/v2 as Go 1.26 ships it behind GOEXPERIMENT=jsonv2
// (json.SkipFunc, which Go 1.27 renamed to errors.ErrUnsupported, so v0.74.0 does not compile
// on Go 1.27). The scanner is therefore compiled only when that experiment is on and the Go
// version is below 1.27 (GOEXPERIMENT=jsonv2 with Go 1.26); any other build gets a stub
// whose Scan says how to rebuild (stub.go), and carries none of Trivy's weight.
package imagescan

import (
	"errors"
	"io"
	"time"
)

// TrivyVersion is the version of the Trivy library this package is built with (go.mod).
const TrivyVersion = "v0.74.0"

// Options configure a scan. Exactly one of Server and CacheDir is set.
type Options struct {
	// Server is the URL of a Trivy server (client/server mode).
	Server string
	// CacheDir is a Trivy cache directory holding db/trivy.db and db/metadata.json (local mode).
	CacheDir string
	// Timeout bounds the scan of one image (pull, analysis, matching).
	Timeout time.Duration
	// Concurrency is how many images are scanned at once.
	Concurrency int
	// Progress, when not nil, receives one line per image scanned.
	Progress io.Writer
}

// Defaults for Options.
const (
	DefaultTimeout     = 5 * time.Minute
	DefaultConcurrency = 3
)

// ErrNotBuiltIn is what Scan returns in a build without the scanner.
var ErrNotBuiltIn = errors.New("this audit binary was built without the image scanner (Trivy v0.74.0 needs Go 1.26 with GOEXPERIMENT=jsonv2): " +
	"install it with `GOEXPERIMENT=jsonv2 go install github.com/kubeposture/kubeposture/cmd/audit@latest` using Go 1.26")
