// Package evidence writes and verifies a compliance evidence bundle: the files of one audit
// (snapshot, JSON result, HTML, SARIF and OSCAL reports), an in-toto v1 Statement whose
// subjects are those files, and a manifest listing every file with its SHA-256, the tool
// version, the control catalog version, the cluster identity and the time. The manifest can be
// signed with an ed25519 or ECDSA key, in a form openssl verifies as it stands:
//
//	ed25519: openssl pkeyutl -verify -pubin -inkey signer.pub.pem -rawin -in manifest.json -sigfile manifest.sig
//	ECDSA:   openssl dgst -sha256 -verify signer.pub.pem -signature manifest.sig manifest.json
//
// (manifest.sig holds the raw signature: 64 bytes for ed25519, ASN.1 DER over SHA-256 for
// ECDSA; cosign's verify-blob takes the same signature base64-encoded.) Because the manifest
// holds every file's digest, the statement's included, one signature covers the whole bundle.
// Signed bundles also carry the statement in a DSSE envelope signed with the same key, the
// form in-toto and cosign tools read attestations in.
//
// A bundle is a directory or a .tar.gz archive of the same flat set of files.
package evidence

import (
	"archive/tar"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/internal/privatefile"
	"github.com/kubeposture/kubeposture/snapshot"
)

// Names of the bundle's own files.
const (
	ManifestName  = "manifest.json"
	SignatureName = "manifest.sig"
	PublicKeyName = "signer.pub.pem"
	StatementName = "attestation.intoto.json"
	// EnvelopeName is the statement signed in a DSSE envelope (in signed bundles), the form
	// in-toto and cosign tools read attestations in.
	EnvelopeName = "attestation.intoto.dsse.json"
)

// PayloadType is the DSSE payload type of an in-toto statement.
const PayloadType = "application/vnd.in-toto+json"

// ManifestAPIVersion identifies the manifest format.
const ManifestAPIVersion = "kubeposture.io/evidence/v1alpha1"

// In-toto Statement v1 (https://github.com/in-toto/attestation/blob/main/spec/v1/statement.md).
const (
	StatementType = "https://in-toto.io/Statement/v1"
	// PredicateType names kubeposture's predicate: the audit's summary.
	PredicateType = "https://kubeposture.io/attestation/audit-summary/v1alpha1"
)

// Manifest lists the bundle's files and what they are evidence of.
type Manifest struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	// ToolVersion is the kubeposture version that wrote the bundle.
	ToolVersion string `json:"toolVersion"`
	// CatalogVersion identifies the control catalog the audit ran: "sha256:" and the digest of
	// the catalog as `audit controls --output json` prints it.
	CatalogVersion string           `json:"catalogVersion"`
	Cluster        snapshot.Cluster `json:"cluster"`
	CollectedAt    time.Time        `json:"collectedAt"`
	CreatedAt      time.Time        `json:"createdAt"`
	// Files lists every file of the bundle except the manifest, its signature and the
	// public key, by name.
	Files []File `json:"files"`
}

// File is one bundled file.
type File struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
}

// Statement is an in-toto v1 Statement.
type Statement struct {
	Type          string    `json:"_type"`
	Subject       []Subject `json:"subject"`
	PredicateType string    `json:"predicateType"`
	Predicate     Predicate `json:"predicate"`
}

// Subject is one attested file.
type Subject struct {
	Name   string            `json:"name"`
	Digest map[string]string `json:"digest"`
}

// Predicate is what the statement says of its subjects: the audit's outcome.
type Predicate struct {
	Cluster        snapshot.Cluster `json:"cluster"`
	ToolVersion    string           `json:"toolVersion"`
	CatalogVersion string           `json:"catalogVersion"`
	CollectedAt    time.Time        `json:"collectedAt"`
	GeneratedAt    time.Time        `json:"generatedAt"`
	Selection      checks.Selection `json:"selection"`
	Summary        checks.Summary   `json:"summary"`
}

// Input is what a bundle is made of.
type Input struct {
	// Files are the audit's files, by plain name ("report.json"): no directories.
	Files          map[string][]byte
	Report         *checks.Report
	ToolVersion    string
	CatalogVersion string
	CreatedAt      time.Time
}

// Build returns every file of the bundle: the input files, the statement, the manifest, and
// when key is not nil the signature and the public key.
func Build(in Input, key *SigningKey) (map[string][]byte, error) {
	if in.Report == nil {
		return nil, errors.New("evidence: no report")
	}
	out := map[string][]byte{}
	for name, data := range in.Files {
		if err := checkName(name); err != nil {
			return nil, err
		}
		switch name {
		case ManifestName, SignatureName, PublicKeyName, StatementName, EnvelopeName:
			return nil, fmt.Errorf("evidence: %q is a name the bundle uses for itself", name)
		}
		out[name] = data
	}
	rep := in.Report
	st := Statement{Type: StatementType, PredicateType: PredicateType, Predicate: Predicate{
		Cluster: rep.Cluster, ToolVersion: in.ToolVersion, CatalogVersion: in.CatalogVersion,
		CollectedAt: rep.CollectedAt, GeneratedAt: rep.GeneratedAt, Selection: rep.Selection, Summary: rep.Summary,
	}}
	for _, name := range sortedNames(out) {
		st.Subject = append(st.Subject, Subject{Name: name, Digest: map[string]string{"sha256": digest(out[name])}})
	}
	var err error
	if out[StatementName], err = marshal(st); err != nil {
		return nil, err
	}
	if key != nil {
		if out[EnvelopeName], err = key.envelope(out[StatementName]); err != nil {
			return nil, err
		}
	}
	m := Manifest{APIVersion: ManifestAPIVersion, Kind: "EvidenceManifest", ToolVersion: in.ToolVersion,
		CatalogVersion: in.CatalogVersion, Cluster: rep.Cluster, CollectedAt: rep.CollectedAt, CreatedAt: in.CreatedAt.UTC()}
	for _, name := range sortedNames(out) {
		m.Files = append(m.Files, File{Name: name, SHA256: digest(out[name]), Size: int64(len(out[name]))})
	}
	if out[ManifestName], err = marshal(m); err != nil {
		return nil, err
	}
	if key != nil {
		if out[SignatureName], err = key.Sign(out[ManifestName]); err != nil {
			return nil, err
		}
		out[PublicKeyName] = key.PublicPEM
	}
	return out, nil
}

// Write builds the bundle and writes it to path: a .tar.gz (or .tgz) archive, or else a
// directory. The path must be new (or, for a directory, an empty one): an existing bundle is
// never overwritten, so that evidence is not lost by a second run with the same path. The
// bundle is written under a fresh name beside path and renamed into place when complete
// (internal/privatefile): a link planted at path, or in it, is never written through, and
// only the owner may read it (files 0600, directory 0700).
func Write(path string, in Input, key *SigningKey) error {
	files, err := Build(in, key)
	if err != nil {
		return err
	}
	if IsArchive(path) {
		err = privatefile.WriteNew(path, func(w io.Writer) error { return archive(w, files) })
	} else {
		err = privatefile.WriteDir(path, files)
	}
	if err != nil {
		return fmt.Errorf("evidence: %w", err)
	}
	return nil
}

// IsArchive reports whether a bundle path names a .tar.gz archive rather than a directory.
func IsArchive(path string) bool {
	return strings.HasSuffix(path, ".tar.gz") || strings.HasSuffix(path, ".tgz")
}

// archive writes files as a gzipped tar, manifest first, the others by name, with fixed
// metadata so that the same files make the same archive.
func archive(w io.Writer, files map[string][]byte) error {
	zw := gzip.NewWriter(w)
	tw := tar.NewWriter(zw)
	names := sortedNames(files)
	sort.SliceStable(names, func(i, j int) bool { return names[i] == ManifestName && names[j] != ManifestName })
	var mtime time.Time
	var m Manifest
	if json.Unmarshal(files[ManifestName], &m) == nil {
		mtime = m.CreatedAt
	}
	for _, name := range names {
		hdr := &tar.Header{Name: name, Mode: privatefile.FileMode, Size: int64(len(files[name])), ModTime: mtime, Typeflag: tar.TypeReg, Format: tar.FormatPAX}
		if err := tw.WriteHeader(hdr); err != nil {
			return fmt.Errorf("evidence: %w", err)
		}
		if _, err := tw.Write(files[name]); err != nil {
			return fmt.Errorf("evidence: %w", err)
		}
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("evidence: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("evidence: %w", err)
	}
	return nil
}

// checkName accepts the plain file names a bundle holds: no directory, nothing hidden.
func checkName(name string) error {
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, `/\`) || strings.HasPrefix(name, ".") {
		return fmt.Errorf("evidence: %q is not a plain file name", name)
	}
	return nil
}

func digest(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func marshal(v any) ([]byte, error) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("evidence: %w", err)
	}
	return append(b, '\n'), nil
}

func sortedNames(files map[string][]byte) []string {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
