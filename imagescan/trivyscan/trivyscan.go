//go:build !goexperiment.jsonv2

// Package trivyscan is the image scanner itself: Trivy used as a Go library. It is the only
// package that imports Trivy, and only the audit-imagescan executable links it, so that
// audit itself carries none of Trivy's weight (see package imagescan).
package trivyscan

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	trivydb "github.com/aquasecurity/trivy-db/pkg/db"
	"github.com/aquasecurity/trivy-db/pkg/metadata"
	dbtypes "github.com/aquasecurity/trivy-db/pkg/types"
	"github.com/aquasecurity/trivy/pkg/cache"
	"github.com/aquasecurity/trivy/pkg/db"
	"github.com/aquasecurity/trivy/pkg/fanal/analyzer"
	"github.com/aquasecurity/trivy/pkg/fanal/applier"
	"github.com/aquasecurity/trivy/pkg/fanal/artifact"
	artimage "github.com/aquasecurity/trivy/pkg/fanal/artifact/image"
	"github.com/aquasecurity/trivy/pkg/fanal/image"
	ftypes "github.com/aquasecurity/trivy/pkg/fanal/types"
	tlog "github.com/aquasecurity/trivy/pkg/log"
	"github.com/aquasecurity/trivy/pkg/rpc/client"
	"github.com/aquasecurity/trivy/pkg/scan"
	"github.com/aquasecurity/trivy/pkg/scan/langpkg"
	"github.com/aquasecurity/trivy/pkg/scan/local"
	"github.com/aquasecurity/trivy/pkg/scan/ospkg"
	"github.com/aquasecurity/trivy/pkg/types"
	"github.com/aquasecurity/trivy/pkg/vulnerability"

	"github.com/kubeposture/kubeposture/imagescan"
	"github.com/kubeposture/kubeposture/snapshot"
)

// dbMu serialises local scans: Trivy's database handle is process-wide.
var dbMu sync.Mutex

func init() {
	// Trivy logs through slog, buffering until a logger is set: discard its logs (errors
	// reach the snapshot through return values) and keep the buffer from growing.
	tlog.InitLogger(false, true)
}

// Scan scans every distinct image of s (imagescan.Targets) and records the results in
// s.ImageScans and s.Resources[snapshot.ResImages].
func Scan(ctx context.Context, s *snapshot.Snapshot, opts imagescan.Options) error {
	res, err := ScanTargets(ctx, imagescan.Targets(s), opts)
	if err != nil {
		return err
	}
	res.Apply(s)
	return nil
}

// ScanTargets scans each target once. An image that cannot be scanned gets its Error and the
// others go on; ScanTargets itself fails only when nothing can be scanned (no database, server
// unreachable), with an error that says what to do.
func ScanTargets(ctx context.Context, targets []imagescan.Target, opts imagescan.Options) (*imagescan.Result, error) {
	if opts.Timeout <= 0 {
		opts.Timeout = imagescan.DefaultTimeout
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = imagescan.DefaultConcurrency
	}
	var (
		backend scan.Backend
		ac      cache.ArtifactCache
		source  string
		// scans counts the scans running, abandoned ones included (scanWithTimeout).
		scans sync.WaitGroup
	)
	switch {
	case opts.Server != "" && opts.CacheDir != "":
		return nil, errors.New("give either a Trivy server or a cache directory, not both")
	case opts.Server != "":
		url := strings.TrimRight(opts.Server, "/")
		if err := ping(ctx, url); err != nil {
			return nil, err
		}
		backend = client.NewService(client.ServiceOption{RemoteURL: url})
		ac = cache.NewRemoteCache(ctx, cache.RemoteOptions{ServerAddr: url})
		source = "Trivy server " + url
	case opts.CacheDir != "":
		dbMu.Lock()
		defer dbMu.Unlock()
		meta, err := openDB(opts.CacheDir)
		if err != nil {
			return nil, err
		}
		// An abandoned scan may still read the database: close it once they are done, or
		// leave it open (read-only) if one is stuck past a grace period.
		defer closeWhenIdle(&scans, time.Minute)
		c := cache.NewMemoryCache()
		backend = local.NewService(applier.NewApplier(c), ospkg.NewScanner(), langpkg.NewScanner(), vulnerability.NewClient(trivydb.Config{}))
		ac = c
		source = fmt.Sprintf("local DB %s (updated %s)", db.Dir(opts.CacheDir), meta.UpdatedAt.UTC().Format(time.RFC3339))
	default:
		return nil, errors.New("no Trivy server and no cache directory given")
	}

	results := make([]snapshot.ImageScan, len(targets))
	sem := make(chan struct{}, opts.Concurrency)
	var wg sync.WaitGroup
	var progressMu sync.Mutex
	for i, t := range targets {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			start := time.Now()
			results[i] = scanWithTimeout(ctx, &scans, backend, ac, t, opts.Timeout)
			if opts.Progress != nil {
				progressMu.Lock()
				status := fmt.Sprintf("%d vulnerabilities", len(results[i].Vulnerabilities))
				if results[i].Error != "" {
					status = "failed: " + results[i].Error
				}
				fmt.Fprintf(opts.Progress, "scan image %s: %s (%s)\n", t.Ref, status, time.Since(start).Round(time.Millisecond))
				progressMu.Unlock()
			}
		}()
	}
	wg.Wait()

	failed := 0
	for _, r := range results {
		if r.Error != "" {
			failed++
		}
	}
	col := snapshot.Collection{State: snapshot.Collected, Count: len(results),
		Message: fmt.Sprintf("trivy %s, %s", imagescan.TrivyVersion, source)}
	switch {
	case failed > 0 && failed == len(results):
		col.State = snapshot.Failed
		col.Message += fmt.Sprintf("; no image could be scanned (first error: %s)", results[0].Error)
	case failed > 0:
		col.State = snapshot.Partial
		col.Message += fmt.Sprintf("; %d of %d images could not be scanned (see imageScans[].error)", failed, len(results))
	}
	return &imagescan.Result{Scans: results, Collection: col}, nil
}

// openDB opens the vulnerability database of a Trivy cache directory read-only, and checks
// that it is there and of the schema this Trivy reads. It never downloads one.
func openDB(cacheDir string) (metadata.Metadata, error) {
	dir := db.Dir(cacheDir)
	get := fmt.Sprintf("on a connected machine run `trivy image --download-db-only --cache-dir DIR` (Trivy %s or a release with DB schema %d), then copy DIR/db to %s", imagescan.TrivyVersion, trivydb.SchemaVersion, dir)
	if _, err := os.Stat(trivydb.Path(dir)); err != nil {
		return metadata.Metadata{}, fmt.Errorf("no vulnerability database at %s (%w): %s; kubeposture never downloads it", trivydb.Path(dir), err, get)
	}
	meta, err := metadata.NewClient(dir).Get()
	if err != nil {
		return metadata.Metadata{}, fmt.Errorf("read %s: %w: the database must come with its metadata.json: %s", metadata.Path(dir), err, get)
	}
	if meta.Version != trivydb.SchemaVersion {
		return metadata.Metadata{}, fmt.Errorf("the vulnerability database in %s has schema %d, this build reads schema %d: %s", dir, meta.Version, trivydb.SchemaVersion, get)
	}
	if err := db.Init(dir); err != nil {
		return metadata.Metadata{}, fmt.Errorf("open the vulnerability database in %s: %w", dir, err)
	}
	return meta, nil
}

// ping checks that a Trivy server answers, so that a wrong URL fails once, not once per image.
func ping(ctx context.Context, url string) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url+"/healthz", nil)
	if err != nil {
		return fmt.Errorf("Trivy server URL %q: %w", url, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("Trivy server %s does not answer: %w (start one with `trivy server --listen HOST:PORT`, or use a local database instead)", url, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("Trivy server %s: GET /healthz returned %s: is it a Trivy server?", url, resp.Status)
	}
	return nil
}

// closeWhenIdle closes the vulnerability database once every scan has returned, or leaves it
// open when one is still running after grace.
func closeWhenIdle(scans *sync.WaitGroup, grace time.Duration) {
	idle := make(chan struct{})
	go func() { scans.Wait(); close(idle) }()
	select {
	case <-idle:
		_ = db.Close()
	case <-time.After(grace):
	}
}

// scanWithTimeout scans t, giving up after timeout even if a registry read ignores the
// context (the abandoned scan finishes in the background; scans counts it until then).
func scanWithTimeout(ctx context.Context, scans *sync.WaitGroup, backend scan.Backend, ac cache.ArtifactCache, t imagescan.Target, timeout time.Duration) snapshot.ImageScan {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	done := make(chan snapshot.ImageScan, 1)
	scans.Add(1)
	go func() {
		defer scans.Done()
		done <- scanOne(ctx, backend, ac, t)
	}()
	select {
	case r := <-done:
		return r
	case <-ctx.Done():
		return snapshot.ImageScan{Image: t.Ref, Digest: t.Digest, Note: t.Note,
			Error: fmt.Sprintf("not scanned within %s (raise --image-scan-timeout)", timeout)}
	}
}

// disabledAnalyzers leave package analysers only: secret, licence and configuration scanning
// are off, and so are JAR files, which need Trivy's separate Java database (not handled here).
var disabledAnalyzers = func() []analyzer.Type {
	out := []analyzer.Type{analyzer.TypeSecret, analyzer.TypeLicenseFile, analyzer.TypeHistoryDockerfile,
		analyzer.TypeExecutable, analyzer.TypeApkCommand, analyzer.TypeRpmArchive, analyzer.TypeJar}
	return append(out, analyzer.TypeConfigFiles...)
}()

// scanOne pulls t from its registry (anonymously or with the Docker keychain), analyses its
// layers and matches its packages against the database.
func scanOne(ctx context.Context, backend scan.Backend, ac cache.ArtifactCache, t imagescan.Target) snapshot.ImageScan {
	out := snapshot.ImageScan{Image: t.Ref, Digest: t.Digest, Note: t.Note}
	img, cleanup, err := image.NewContainerImage(ctx, t.Ref, ftypes.ImageOptions{
		ImageSources: ftypes.ImageSources{ftypes.RemoteImageSource},
	})
	if err != nil {
		out.Error = fmt.Sprintf("pull %s: %v", t.Ref, err)
		return out
	}
	defer cleanup()
	art, err := artimage.NewArtifact(img, ac, artifact.Option{
		DisabledAnalyzers: disabledAnalyzers,
		NoProgress:        true,
		Parallel:          1,
		ImageOption:       ftypes.ImageOptions{ImageSources: ftypes.ImageSources{ftypes.RemoteImageSource}},
	})
	if err != nil {
		out.Error = fmt.Sprintf("analyse %s: %v", t.Ref, err)
		return out
	}
	rep, err := scan.NewService(backend, art).ScanArtifact(ctx, types.ScanOptions{
		PkgTypes:         types.PkgTypes,
		PkgRelationships: ftypes.Relationships,
		Scanners:         types.Scanners{types.VulnerabilityScanner},
		// "auto", the CLI's default: the data source's own severity, else NVD's. Left
		// empty, local scans report every severity as UNKNOWN.
		VulnSeveritySources: []dbtypes.SourceID{"auto"},
	})
	if err != nil {
		out.Error = fmt.Sprintf("scan %s: %v", t.Ref, err)
		return out
	}
	if os := rep.Metadata.OS; os != nil && os.Family != "" && os.Family != "none" {
		out.OS = &snapshot.ImageOS{Family: string(os.Family), Name: os.Name, EOSL: os.Eosl}
	}
	for _, res := range rep.Results {
		for _, v := range res.Vulnerabilities {
			out.Vulnerabilities = append(out.Vulnerabilities, snapshot.ImageVulnerability{
				ID:               v.VulnerabilityID,
				Package:          v.PkgName,
				InstalledVersion: v.InstalledVersion,
				FixedVersion:     v.FixedVersion,
				Severity:         v.Severity,
				Title:            v.Title,
				PrimaryURL:       v.PrimaryURL,
				Target:           res.Target,
			})
		}
	}
	SortVulnerabilities(out.Vulnerabilities)
	return out
}

// SortVulnerabilities orders vulnerabilities worst first: by severity, then with a fix before
// without, then by id and package.
func SortVulnerabilities(vs []snapshot.ImageVulnerability) {
	sort.SliceStable(vs, func(i, j int) bool {
		a, b := vs[i], vs[j]
		if ra, rb := SeverityRank(a.Severity), SeverityRank(b.Severity); ra != rb {
			return ra > rb
		}
		if (a.FixedVersion != "") != (b.FixedVersion != "") {
			return a.FixedVersion != ""
		}
		if a.ID != b.ID {
			return a.ID < b.ID
		}
		return a.Package < b.Package
	})
}

// SeverityRank orders Trivy severities: CRITICAL 4 … LOW 1, UNKNOWN and anything else 0.
func SeverityRank(s string) int {
	switch s {
	case "CRITICAL":
		return 4
	case "HIGH":
		return 3
	case "MEDIUM":
		return 2
	case "LOW":
		return 1
	}
	return 0
}
