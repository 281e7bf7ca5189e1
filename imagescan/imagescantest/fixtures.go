//go:build !goexperiment.jsonv2

// Package imagescantest builds the offline fixtures of the image scanner's tests: a
// vulnerability database in Trivy's format, a small Alpine-like image, and a registry on
// loopback that counts manifest reads.
package imagescantest

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	trivydb "github.com/aquasecurity/trivy-db/pkg/db"
	"github.com/aquasecurity/trivy-db/pkg/metadata"
	dbtypes "github.com/aquasecurity/trivy-db/pkg/types"
	vulnsrc "github.com/aquasecurity/trivy-db/pkg/vulnsrc/vulnerability"
	"github.com/aquasecurity/trivy/pkg/db"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	bolt "go.etcd.io/bbolt"
)

// The fixture database knows two vulnerabilities of Alpine 3.22: CVE-2099-0001 in musl,
// CRITICAL, fixed in 1.2.5-r10 (an image with musl 1.2.5-r9 has it), and CVE-2099-0002 in
// zlib, HIGH, with no fix.
const (
	CVEFixed      = "CVE-2099-0001"
	CVEUnfixed    = "CVE-2099-0002"
	MuslVersion   = "1.2.5-r9"
	MuslFixed     = "1.2.5-r10"
	ZlibVersion   = "1.3.1-r2"
	AlpineRelease = "3.22.1"
	alpineBucket  = "alpine 3.22"
)

// WriteDB writes a vulnerability database in Trivy's format (BoltDB plus metadata.json) under
// cacheDir/db, as `trivy image --download-db-only --cache-dir cacheDir` leaves it.
func WriteDB(t *testing.T, cacheDir string) {
	t.Helper()
	dir := db.Dir(cacheDir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := trivydb.Init(dir); err != nil { // read-write: the fixture is written here
		t.Fatal(err)
	}
	dbc := trivydb.Config{}
	err := dbc.BatchUpdate(func(tx *bolt.Tx) error {
		if err := dbc.PutDataSource(tx, alpineBucket, dbtypes.DataSource{ID: vulnsrc.Alpine, Name: "Alpine Secdb", URL: "https://secdb.alpinelinux.org/"}); err != nil {
			return err
		}
		if err := dbc.PutAdvisory(tx, []string{alpineBucket, "musl"}, CVEFixed, dbtypes.Advisory{FixedVersion: MuslFixed}); err != nil {
			return err
		}
		if err := dbc.PutAdvisory(tx, []string{alpineBucket, "zlib"}, CVEUnfixed, dbtypes.Advisory{}); err != nil {
			return err
		}
		if err := dbc.PutVulnerability(tx, CVEFixed, dbtypes.Vulnerability{Title: "musl: fixture overflow", Severity: "CRITICAL",
			VendorSeverity: dbtypes.VendorSeverity{vulnsrc.NVD: dbtypes.SeverityCritical}}); err != nil {
			return err
		}
		return dbc.PutVulnerability(tx, CVEUnfixed, dbtypes.Vulnerability{Title: "zlib: fixture bug", Severity: "HIGH",
			VendorSeverity: dbtypes.VendorSeverity{vulnsrc.NVD: dbtypes.SeverityHigh}})
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := trivydb.Close(); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	if err := metadata.NewClient(dir).Update(metadata.Metadata{Version: trivydb.SchemaVersion,
		UpdatedAt: now, NextUpdate: now.Add(24 * time.Hour), DownloadedAt: now}); err != nil {
		t.Fatal(err)
	}
}

// AlpineImage builds a one-layer Alpine-like image holding the given apk packages
// (name → version).
func AlpineImage(t *testing.T, pkgs [][2]string) v1.Image {
	t.Helper()
	var installed strings.Builder
	for _, p := range pkgs {
		fmt.Fprintf(&installed, "P:%s\nV:%s\nA:x86_64\nL:MIT\no:%s\n\n", p[0], p[1], p[0])
	}
	files := map[string]string{
		"etc/alpine-release":   AlpineRelease + "\n",
		"etc/os-release":       "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=" + AlpineRelease + "\n",
		"lib/apk/db/installed": installed.String(),
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, dir := range []string{"etc/", "lib/", "lib/apk/", "lib/apk/db/"} {
		if err := tw.WriteHeader(&tar.Header{Name: dir, Typeflag: tar.TypeDir, Mode: 0o755}); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range []string{"etc/alpine-release", "etc/os-release", "lib/apk/db/installed"} {
		body := files[n]
		if err := tw.WriteHeader(&tar.Header{Name: n, Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(body))}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil })
	if err != nil {
		t.Fatal(err)
	}
	img, err := mutate.AppendLayers(empty.Image, layer)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cfg = cfg.DeepCopy()
	cfg.OS, cfg.Architecture = "linux", "amd64"
	img, err = mutate.ConfigFile(img, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// Registry serves an in-memory registry on loopback and counts manifest reads per
// reference, to prove each digest is pulled once.
type Registry struct {
	Host  string
	mu    sync.Mutex
	reads map[string]int
}

func NewRegistry(t *testing.T) *Registry {
	r := &Registry{reads: map[string]int{}}
	h := registry.New(registry.Logger(log.New(io.Discard, "", 0)))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.Method == http.MethodGet && strings.Contains(req.URL.Path, "/manifests/") {
			r.mu.Lock()
			r.reads[req.URL.Path[strings.LastIndex(req.URL.Path, "/")+1:]]++
			r.mu.Unlock()
		}
		h.ServeHTTP(w, req)
	}))
	t.Cleanup(srv.Close)
	r.Host = strings.TrimPrefix(srv.URL, "http://")
	return r
}

// Push stores img as host/repo:tag and returns its repo@digest reference and digest.
func (r *Registry) Push(t *testing.T, repo, tag string, img v1.Image) (string, string) {
	t.Helper()
	ref, err := name.ParseReference(r.Host + "/" + repo + ":" + tag)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(ref, img); err != nil {
		t.Fatal(err)
	}
	d, err := img.Digest()
	if err != nil {
		t.Fatal(err)
	}
	return r.Host + "/" + repo + "@" + d.String(), d.String()
}

func (r *Registry) ManifestReads(digest string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.reads[digest]
}
