package evidence

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/kubeposture/kubeposture/internal/privatefile"
)

// Limits on what Verify reads from a bundle, which may be hostile. Files are hashed as they
// stream, never held whole, so memory does not grow with them: the limits bound the work (the
// bytes decompressed and hashed). A bundle of a 100,000-pod cluster (a snapshot of some 400 MB)
// is far below them.
const (
	maxFileSize  = 2 << 30
	maxTotalSize = 4 << 30
	maxFiles     = 1000
	// maxOwnFileSize bounds each of the bundle's files about itself (manifest, signature, public
	// key, statement, envelope), which are read whole: a few KiB each.
	maxOwnFileSize = 16 << 20
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
// bundle's own public key. The error is for a bundle that cannot be read at all, or that is
// refused unread (a file larger than the manifest says, a sparse or special entry, more than
// a bundle can hold); what does not match is in the Result's Problems.
func Verify(path string, trusted crypto.PublicKey) (*Result, error) {
	var c *contents
	var err error
	if IsArchive(path) {
		c, err = readArchive(path)
	} else {
		c, err = readDir(path)
	}
	if err != nil {
		return nil, err
	}
	return c.verify(trusted)
}

// VerifyFiles verifies a bundle's files held in memory (see Verify).
func VerifyFiles(files map[string][]byte, trusted crypto.PublicKey) (*Result, error) {
	c := newContents()
	for name, data := range files {
		c.digests[name] = fileDigest{digest(data), int64(len(data))}
		if ownFile(name) {
			c.own[name] = data
		}
	}
	return c.verify(trusted)
}

// ownFile reports whether name is one of the files a bundle holds about itself.
func ownFile(name string) bool {
	switch name {
	case ManifestName, SignatureName, PublicKeyName, StatementName, EnvelopeName:
		return true
	}
	return false
}

// contents is what verification needs of a bundle: its own files whole, and the digest and
// size of every file.
type contents struct {
	own     map[string][]byte
	digests map[string]fileDigest
	// listed maps each file the manifest lists to its size, once the manifest is read.
	listed map[string]int64
	total  int64
}

type fileDigest struct {
	sha256 string
	size   int64
}

func newContents() *contents {
	return &contents{own: map[string][]byte{}, digests: map[string]fileDigest{}}
}

// add reads one file of a bundle, whose size its tar header or directory entry gives, hashing
// it as it streams: a file larger than the manifest lists is refused unread; one the manifest
// does not list is recorded without being read.
func (c *contents) add(name string, size int64, r io.Reader) error {
	if err := checkName(name); err != nil {
		return fmt.Errorf("entry %q: a bundle holds plain file names only", name)
	}
	if _, dup := c.digests[name]; dup {
		return fmt.Errorf("entry %q appears twice", name)
	}
	if len(c.digests) >= maxFiles {
		return fmt.Errorf("more than %d files: larger than an evidence bundle can be", maxFiles)
	}
	limit, what := int64(maxFileSize), "the largest file a bundle can hold"
	if ownFile(name) {
		limit, what = maxOwnFileSize, "the largest "+name+" can be"
	}
	listedSize, listed := c.listed[name]
	if listed && listedSize < limit {
		limit, what = listedSize, "the size the manifest lists"
	}
	if size < 0 || size > limit {
		return fmt.Errorf("%s: %d bytes, more than %s (%d): refused unread", name, size, what, limit)
	}
	if c.total += size; c.total > maxTotalSize {
		return fmt.Errorf("more than %d bytes in all: larger than an evidence bundle can be", int64(maxTotalSize))
	}
	if c.listed != nil && !listed && !ownFile(name) {
		c.digests[name] = fileDigest{size: size} // "not listed", whatever it holds
		return nil
	}
	h := sha256.New()
	w := io.Writer(h)
	var whole bytes.Buffer
	if ownFile(name) {
		w = io.MultiWriter(h, &whole)
	}
	n, err := io.Copy(w, io.LimitReader(r, size+1))
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if n != size {
		return fmt.Errorf("%s: %d bytes read where %d were announced (did it change while being read?)", name, n, size)
	}
	c.digests[name] = fileDigest{hex.EncodeToString(h.Sum(nil)), n}
	if ownFile(name) {
		c.own[name] = whole.Bytes()
	}
	if name == ManifestName {
		var m Manifest
		if json.Unmarshal(c.own[name], &m) == nil {
			c.listed = map[string]int64{}
			for _, f := range m.Files {
				c.listed[f.Name] = f.Size
			}
		}
	}
	return nil
}

// verify checks the contents (see Verify).
func (c *contents) verify(trusted crypto.PublicKey) (*Result, error) {
	files := c.own
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
		got, ok := c.digests[f.Name]
		switch {
		case !ok:
			res.problem(f.Name, "missing from the bundle")
		case got.sha256 != f.SHA256:
			res.problem(f.Name, "content changed: sha256 is %s, the manifest says %s", got.sha256, f.SHA256)
		case got.size != f.Size:
			res.problem(f.Name, "size is %d bytes, the manifest says %d", got.size, f.Size)
		}
	}
	names := make([]string, 0, len(c.digests))
	for name := range c.digests {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if _, ok := listed[name]; !ok && name != ManifestName && name != SignatureName && name != PublicKeyName {
			res.problem(name, "not listed in the manifest")
		}
	}
	if f, ok := listed[StatementName]; ok && files[StatementName] != nil && c.digests[StatementName].sha256 == f.SHA256 {
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

// readDir reads a bundle directory: regular files only, never through a link, the manifest
// first so that every other file is read against the size it lists.
func readDir(dir string) (*contents, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	sort.SliceStable(entries, func(i, j int) bool {
		return entries[i].Name() == ManifestName && entries[j].Name() != ManifestName
	})
	c := newContents()
	for _, e := range entries {
		if !e.Type().IsRegular() {
			return nil, fmt.Errorf("%s: %s is not a regular file: a bundle holds files only", dir, e.Name())
		}
		if err := c.addFile(filepath.Join(dir, e.Name())); err != nil {
			return nil, fmt.Errorf("%s: %w", dir, err)
		}
	}
	return c, nil
}

// addFile adds a file of a bundle directory, opened without following a link.
func (c *contents) addFile(path string) error {
	f, err := privatefile.OpenNoFollow(path)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if !st.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file: a bundle holds files only", st.Name())
	}
	return c.add(st.Name(), st.Size(), f)
}

func readArchive(path string) (*contents, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	c := newContents()
	if err := walkArchive(f, c.add); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// walkArchive calls add for each entry of a bundle's .tar.gz, with its content as it streams:
// regular files only, not sparse (whose content expands beyond the bytes stored).
func walkArchive(r io.Reader, add func(name string, size int64, r io.Reader) error) error {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return fmt.Errorf("not a gzip archive: %w", err)
	}
	tr := tar.NewReader(zr)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("not a tar archive: %w", err)
		}
		if hdr.Typeflag != tar.TypeReg {
			return fmt.Errorf("entry %q is not a regular file: a bundle holds files only", hdr.Name)
		}
		for k := range hdr.PAXRecords {
			if strings.HasPrefix(k, "GNU.sparse.") {
				return fmt.Errorf("entry %q is a sparse file: a bundle holds plain files only", hdr.Name)
			}
		}
		if err := add(hdr.Name, hdr.Size, tr); err != nil {
			return err
		}
	}
	if err := zr.Close(); err != nil {
		return fmt.Errorf("gzip: %w", err)
	}
	return nil
}

// ReadArchive reads a bundle's .tar.gz into memory: regular files with plain names only, each
// once, within the limits Verify applies.
func ReadArchive(r io.Reader) (map[string][]byte, error) {
	files := map[string][]byte{}
	var total int64
	err := walkArchive(r, func(name string, size int64, r io.Reader) error {
		if err := checkName(name); err != nil {
			return fmt.Errorf("entry %q: a bundle holds plain file names only", name)
		}
		if _, dup := files[name]; dup {
			return fmt.Errorf("entry %q appears twice", name)
		}
		if total += size; size < 0 || size > maxFileSize || total > maxTotalSize || len(files) >= maxFiles {
			return errors.New("larger than an evidence bundle can be")
		}
		data, err := io.ReadAll(io.LimitReader(r, size))
		if err != nil {
			return fmt.Errorf("entry %q: %w", name, err)
		}
		files[name] = data
		return nil
	})
	if err != nil {
		return nil, err
	}
	return files, nil
}
