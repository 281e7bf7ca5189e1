package evidence

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
)

// Limits on what Verify reads, against a hostile archive: a bundle of a very large cluster
// is far below them.
const (
	maxFileSize  = 2 << 30
	maxTotalSize = 8 << 30
	maxFiles     = 1000
)

// Problem is one thing that does not match, and the file it is about.
type Problem struct {
	File    string `json:"file"`
	Message string `json:"message"`
}

func (p Problem) String() string { return p.File + ": " + p.Message }

// Result is the outcome of verifying a bundle.
type Result struct {
	Manifest *Manifest
	// Signed says whether the bundle carries a signature; KeyFingerprint names the key it was
	// checked against, and KeyFromBundle says that key is the bundle's own signer.pub.pem,
	// which proves integrity but not who signed: pass the expected key to prove that.
	Signed         bool
	KeyFingerprint string
	KeyFromBundle  bool
	Problems       []Problem
}

// OK reports whether nothing failed.
func (r *Result) OK() bool { return len(r.Problems) == 0 }

func (r *Result) problem(file, format string, args ...any) {
	r.Problems = append(r.Problems, Problem{file, fmt.Sprintf(format, args...)})
}

// Verify checks a bundle (a directory or a .tar.gz archive): every file's SHA-256 and size
// against the manifest, no file missing or added, the in-toto statement's subjects against
// the files, and the manifest's signature, against trusted when given, else against the
// bundle's own public key. The error is for a bundle that cannot be read at all; what does
// not match is in the Result's Problems.
func Verify(path string, trusted crypto.PublicKey) (*Result, error) {
	var files map[string][]byte
	var err error
	if IsArchive(path) {
		files, err = readArchive(path)
	} else {
		files, err = readDir(path)
	}
	if err != nil {
		return nil, err
	}
	return VerifyFiles(files, trusted)
}

// VerifyFiles verifies a bundle's files (see Verify).
func VerifyFiles(files map[string][]byte, trusted crypto.PublicKey) (*Result, error) {
	data, ok := files[ManifestName]
	if !ok {
		return nil, fmt.Errorf("no %s: this is not an evidence bundle ('audit scan --evidence' writes one)", ManifestName)
	}
	res := &Result{}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		res.problem(ManifestName, "not a valid manifest: %v", err)
	} else if m.APIVersion != ManifestAPIVersion {
		res.problem(ManifestName, "apiVersion is %q, want %q", m.APIVersion, ManifestAPIVersion)
	} else {
		res.Manifest = &m
	}

	// The signature first: if the manifest was altered, that is the failure to report, and
	// the digests it lists are not to be trusted.
	sig, signed := files[SignatureName]
	res.Signed = signed
	key := trusted
	if key == nil && signed {
		if pemData, ok := files[PublicKeyName]; !ok {
			res.problem(PublicKeyName, "missing: the bundle is signed but carries no public key; pass the signer's key")
		} else if k, err := ParsePublicKey(pemData); err != nil {
			res.problem(PublicKeyName, "%v", err)
		} else {
			key, res.KeyFromBundle = k, true
		}
	}
	switch {
	case !signed && trusted != nil:
		res.problem(SignatureName, "missing: the bundle is not signed, so it cannot be checked against the key given")
	case signed && key != nil:
		res.KeyFingerprint = KeyFingerprint(key)
		if !verifySignature(key, data, sig) {
			res.problem(SignatureName, "does not verify with key %s: the manifest was altered, or signed with another key", res.KeyFingerprint)
		}
	}
	if res.Manifest == nil {
		return res, nil
	}

	listed := map[string]File{}
	for _, f := range m.Files {
		if err := checkName(f.Name); err != nil {
			res.problem(ManifestName, "lists %q, which is not a plain file name", f.Name)
			continue
		}
		listed[f.Name] = f
		content, ok := files[f.Name]
		switch {
		case !ok:
			res.problem(f.Name, "missing from the bundle")
		case digest(content) != f.SHA256:
			res.problem(f.Name, "content changed: sha256 is %s, the manifest says %s", digest(content), f.SHA256)
		case int64(len(content)) != f.Size:
			res.problem(f.Name, "size is %d bytes, the manifest says %d", len(content), f.Size)
		}
	}
	for _, name := range sortedNames(files) {
		if _, ok := listed[name]; !ok && name != ManifestName && name != SignatureName && name != PublicKeyName {
			res.problem(name, "not listed in the manifest")
		}
	}
	if f, ok := listed[StatementName]; ok && files[StatementName] != nil && digest(files[StatementName]) == f.SHA256 {
		verifyStatement(res, files[StatementName], listed)
	}
	// The signed envelope must hold exactly the bundle's statement.
	if env, ok := files[EnvelopeName]; ok && key != nil {
		payload, err := openEnvelope(env, key)
		switch {
		case err != nil:
			res.problem(EnvelopeName, "%v", err)
		case !bytes.Equal(payload, files[StatementName]):
			res.problem(EnvelopeName, "the signed statement differs from %s", StatementName)
		}
	}
	sort.SliceStable(res.Problems, func(i, j int) bool { return res.Problems[i].File < res.Problems[j].File })
	return res, nil
}

// verifyStatement checks that the in-toto statement attests exactly the files the manifest
// lists (but itself), with the manifest's digests. A changed file is reported once, by the
// manifest check; this one catches a statement that does not match its manifest.
func verifyStatement(res *Result, data []byte, listed map[string]File) {
	var st Statement
	if err := json.Unmarshal(data, &st); err != nil {
		res.problem(StatementName, "not a valid in-toto statement: %v", err)
		return
	}
	if st.Type != StatementType {
		res.problem(StatementName, "_type is %q, want %q", st.Type, StatementType)
	}
	subjects := map[string]bool{}
	for _, s := range st.Subject {
		subjects[s.Name] = true
		f, ok := listed[s.Name]
		switch {
		case !ok || s.Name == StatementName || s.Name == EnvelopeName:
			res.problem(StatementName, "subject %q is not a file the manifest lists", s.Name)
		case s.Digest["sha256"] != f.SHA256:
			res.problem(StatementName, "subject %q has sha256 %s, the manifest says %s", s.Name, s.Digest["sha256"], f.SHA256)
		}
	}
	for name := range listed {
		if name != StatementName && name != EnvelopeName && !subjects[name] {
			res.problem(StatementName, "does not attest %s", name)
		}
	}
}

func readDir(dir string) (map[string][]byte, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	var total int64
	for _, e := range entries {
		if !e.Type().IsRegular() {
			return nil, fmt.Errorf("%s: %s is not a regular file: a bundle holds files only", dir, e.Name())
		}
		info, err := e.Info()
		if err != nil {
			return nil, err
		}
		if total += info.Size(); info.Size() > maxFileSize || total > maxTotalSize || len(files) >= maxFiles {
			return nil, fmt.Errorf("%s: larger than an evidence bundle can be", dir)
		}
		if files[e.Name()], err = os.ReadFile(filepath.Join(dir, e.Name())); err != nil {
			return nil, err
		}
	}
	return files, nil
}

func readArchive(path string) (map[string][]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	files, err := ReadArchive(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return files, nil
}

// ReadArchive reads a bundle's .tar.gz: regular files with plain names only, each once.
func ReadArchive(r io.Reader) (map[string][]byte, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("not a gzip archive: %w", err)
	}
	tr := tar.NewReader(zr)
	files := map[string][]byte{}
	var total int64
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("not a tar archive: %w", err)
		}
		if hdr.Typeflag != tar.TypeReg {
			return nil, fmt.Errorf("entry %q is not a regular file: a bundle holds files only", hdr.Name)
		}
		if err := checkName(hdr.Name); err != nil {
			return nil, fmt.Errorf("entry %q: a bundle holds plain file names only", hdr.Name)
		}
		if _, dup := files[hdr.Name]; dup {
			return nil, fmt.Errorf("entry %q appears twice", hdr.Name)
		}
		if total += hdr.Size; hdr.Size < 0 || hdr.Size > maxFileSize || total > maxTotalSize || len(files) >= maxFiles {
			return nil, errors.New("larger than an evidence bundle can be")
		}
		data, err := io.ReadAll(io.LimitReader(tr, hdr.Size))
		if err != nil {
			return nil, fmt.Errorf("entry %q: %w", hdr.Name, err)
		}
		files[hdr.Name] = data
	}
	if err := zr.Close(); err != nil {
		return nil, fmt.Errorf("gzip: %w", err)
	}
	return files, nil
}
