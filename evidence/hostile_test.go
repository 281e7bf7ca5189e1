package evidence

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// zeros is n zero bytes, read without holding them.
type zeros struct{ n int64 }

func (z *zeros) Read(p []byte) (int, error) {
	if z.n <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > z.n {
		p = p[:z.n]
	}
	clear(p)
	z.n -= int64(len(p))
	return len(p), nil
}

// bomb writes a bundle archive whose snapshot.json is size zero bytes (a few hundred KiB
// compressed per 256 MiB), with the manifest before it or after it.
func bomb(t *testing.T, size int64, manifestFirst bool) string {
	t.Helper()
	files, err := Build(testInput(), nil)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "bomb.tar.gz")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zw, _ := gzip.NewWriterLevel(f, gzip.BestSpeed)
	tw := tar.NewWriter(zw)
	entry := func(name string, size int64, r io.Reader) {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: size, Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(tw, r); err != nil {
			t.Fatal(err)
		}
	}
	if manifestFirst {
		entry(ManifestName, int64(len(files[ManifestName])), bytes.NewReader(files[ManifestName]))
	}
	entry("snapshot.json", size, &zeros{size})
	if !manifestFirst {
		entry(ManifestName, int64(len(files[ManifestName])), bytes.NewReader(files[ManifestName]))
	}
	for _, c := range []io.Closer{tw, zw} {
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

// allocated returns the bytes allocated while f ran.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// A gzip bomb: the entry after the manifest larger than the manifest lists is refused unread;
// one before it is hashed as it streams, not held. Either way memory stays flat.
func TestVerifyGzipBomb(t *testing.T) {
	const size = 256 << 20
	for _, first := range []bool{true, false} {
		path := bomb(t, size, first)
		var res *Result
		var err error
		alloc := allocated(func() { res, err = Verify(path, nil) })
		if first {
			if err == nil || !strings.Contains(err.Error(), "snapshot.json: 268435456 bytes, more than the size the manifest lists") {
				t.Errorf("manifest first: err = %v, want the entry refused unread", err)
			}
		} else if err != nil {
			t.Errorf("manifest last: %v", err)
		} else {
			wantProblem(t, res, "snapshot.json", "content changed")
		}
		if alloc > 16<<20 {
			t.Errorf("manifest first %v: verifying a %d MiB entry allocated %d MiB", first, size>>20, alloc>>20)
		}
	}
}

// paxRecord is one record of a PAX extended header: its length counts itself.
func paxRecord(k, v string) string {
	rec := " " + k + "=" + v + "\n"
	n := len(rec)
	for len(fmt.Sprint(n+len(fmt.Sprint(n)))) != len(fmt.Sprint(n)) {
		n++
	}
	n += len(fmt.Sprint(n))
	return fmt.Sprint(n) + rec
}

// ustar is a 512-byte ustar header block.
func ustar(name string, typeflag byte, size int64) []byte {
	b := make([]byte, 512)
	copy(b[0:], name)
	copy(b[100:], "0000600\x00")
	copy(b[108:], "0000000\x00")
	copy(b[116:], "0000000\x00")
	copy(b[124:], fmt.Sprintf("%011o\x00", size))
	copy(b[136:], "00000000000\x00")
	b[156] = typeflag
	copy(b[257:], "ustar\x00")
	copy(b[263:], "00")
	copy(b[148:], "        ")
	sum := 0
	for _, c := range b {
		sum += int(c)
	}
	copy(b[148:], fmt.Sprintf("%06o\x00 ", sum))
	return b
}

func pad(b []byte) []byte {
	if r := len(b) % 512; r != 0 {
		b = append(b, make([]byte, 512-r)...)
	}
	return b
}

// sparseArchive is a bundle archive holding one GNU sparse entry (PAX format 1.0): a few
// hundred bytes that expand to realSize bytes of zeros when read.
func sparseArchive(realSize int64) []byte {
	pax := paxRecord("GNU.sparse.major", "1") + paxRecord("GNU.sparse.minor", "0") +
		paxRecord("GNU.sparse.name", "snapshot.json") + paxRecord("GNU.sparse.realsize", fmt.Sprint(realSize))
	var tarball []byte
	tarball = append(tarball, ustar("PaxHeaders/snapshot.json", 'x', int64(len(pax)))...)
	tarball = append(tarball, pad([]byte(pax))...)
	sparseMap := pad([]byte(fmt.Sprintf("1\n%d\n1\n", realSize-1)))
	tarball = append(tarball, ustar("GNUSparseFile.0/snapshot.json", '0', int64(len(sparseMap))+1)...)
	tarball = append(tarball, sparseMap...)
	tarball = append(tarball, pad([]byte{'x'})...)
	tarball = append(tarball, make([]byte, 1024)...)
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(tarball)
	zw.Close()
	return buf.Bytes()
}

// A sparse entry is refused before it is read: its content is not what the archive stores.
func TestVerifySparseEntry(t *testing.T) {
	data := sparseArchive(1 << 30)
	path := filepath.Join(t.TempDir(), "sparse.tar.gz")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	var err error
	alloc := allocated(func() { _, err = Verify(path, nil) })
	if err == nil || !strings.Contains(err.Error(), `entry "snapshot.json" is a sparse file`) {
		t.Errorf("a %d-byte archive holding a 1 GiB sparse entry: err = %v, want it refused", len(data), err)
	}
	if alloc > 16<<20 {
		t.Errorf("refusing it allocated %d MiB", alloc>>20)
	}
	if _, err := ReadArchive(bytes.NewReader(data)); err == nil || !strings.Contains(err.Error(), "sparse") {
		t.Errorf("ReadArchive: err = %v, want the sparse entry refused", err)
	}
}

// The total is capped before anything is read: entries the manifest does not list are
// counted, not read.
func TestVerifyTotalCap(t *testing.T) {
	c := newContents()
	c.listed = map[string]int64{}
	var err error
	for i := 0; err == nil && i < 3; i++ {
		err = c.add(fmt.Sprintf("extra-%d", i), maxFileSize, strings.NewReader(""))
	}
	if err == nil || !strings.Contains(err.Error(), "larger than an evidence bundle can be") {
		t.Errorf("three 2 GiB entries: err = %v, want the total refused", err)
	}
}

// A bundle directory is read without following links, its own files against their limit.
func TestVerifyDirRefuses(t *testing.T) {
	files, err := Build(testInput(), nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "bundle")
	if err := Write(dir, testInput(), nil); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "report.json")); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(t.TempDir(), "report.json")
	os.WriteFile(other, files["report.json"], 0o600)
	if err := os.Symlink(other, filepath.Join(dir, "report.json")); err != nil {
		t.Fatal(err)
	}
	if _, err := Verify(dir, nil); err == nil || !strings.Contains(err.Error(), "report.json is not a regular file") {
		t.Errorf("a link in the bundle: err = %v", err)
	}
	os.Remove(filepath.Join(dir, "report.json"))
	os.WriteFile(filepath.Join(dir, "report.json"), files["report.json"], 0o600)
	big := filepath.Join(dir, StatementName)
	if err := os.Truncate(big, maxOwnFileSize+1); err != nil {
		t.Fatal(err)
	}
	if _, err := Verify(dir, nil); err == nil || !strings.Contains(err.Error(), "refused unread") {
		t.Errorf("a statement larger than the manifest lists: err = %v", err)
	}
}

// A bundle is readable by its owner only (files 0600, directory 0700), and writing one never
// goes through a link planted where it is written.
func TestWritePrivateAndNoFollow(t *testing.T) {
	base := t.TempDir()
	dir, arch := filepath.Join(base, "bundle"), filepath.Join(base, "bundle.tar.gz")
	for _, p := range []string{dir, arch} {
		if err := Write(p, testInput(), nil); err != nil {
			t.Fatal(err)
		}
	}
	check := func(p string, want os.FileMode) {
		if st, err := os.Stat(p); err != nil || st.Mode().Perm() != want {
			t.Errorf("%s: mode %v (%v), want %v", p, st.Mode().Perm(), err, want)
		}
	}
	check(dir, 0o700)
	check(arch, 0o600)
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		check(filepath.Join(dir, e.Name()), 0o600)
	}

	// The attack: a directory made ready with a link named like a bundle file, pointing at a
	// file of the victim's, and a link at the archive's name.
	victim := filepath.Join(base, "victim")
	if err := os.WriteFile(victim, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	planted := filepath.Join(base, "planted")
	os.Mkdir(planted, 0o777)
	if err := os.Symlink(victim, filepath.Join(planted, "report.json")); err != nil {
		t.Fatal(err)
	}
	if err := Write(planted, testInput(), nil); err == nil {
		t.Error("a bundle was written into a directory holding a planted link")
	}
	if err := os.Symlink(victim, filepath.Join(base, "link.tar.gz")); err != nil {
		t.Fatal(err)
	}
	if err := Write(filepath.Join(base, "link.tar.gz"), testInput(), nil); err == nil {
		t.Error("an archive was written over a planted link")
	}
	if b, _ := os.ReadFile(victim); string(b) != "precious" {
		t.Errorf("the link's target was overwritten: %q", b)
	}
}
