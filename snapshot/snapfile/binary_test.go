package snapfile

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/kubeposture/kubeposture/internal/synth"
	"github.com/kubeposture/kubeposture/snapshot"
)

// benchSnapshot is the snapshot the benchmarks read: KUBEPOSTURE_BENCH_SNAPSHOT names a
// file (a live cluster's, written by audit collect), else internal/synth's of 10,000 pods.
func benchSnapshot(b *testing.B) (string, *snapshot.Snapshot) {
	if path := os.Getenv("KUBEPOSTURE_BENCH_SNAPSHOT"); path != "" {
		s, err := ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		return filepath.Base(path), s
	}
	return "synthetic-10000", synth.Snapshot(10000)
}

// BenchmarkReadForms reads one snapshot in each form: the JSON document, the binary form
// uncompressed and compressed with zstd (what WriteBinary writes). MB/s is of the form's own
// size, which the benchmark reports too.
func BenchmarkReadForms(b *testing.B) {
	name, s := benchSnapshot(b)
	forms := []struct {
		name  string
		write func(*bytes.Buffer) error
	}{
		{"json", func(w *bytes.Buffer) error { return Write(w, s) }},
		{"binary", func(w *bytes.Buffer) error { return writeBinary(w, s, compressNone) }},
		{"binary+zstd", func(w *bytes.Buffer) error { return writeBinary(w, s, compressZstd) }},
	}
	for _, f := range forms {
		var doc bytes.Buffer
		if err := f.write(&doc); err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("%s/%s", name, f.name), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(doc.Len()))
			b.ReportMetric(float64(doc.Len())/(1<<20), "file-MiB")
			for b.Loop() {
				if _, err := Read(bytes.NewReader(doc.Bytes())); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkWriteBinary writes the snapshot in the binary form.
func BenchmarkWriteBinary(b *testing.B) {
	_, s := benchSnapshot(b)
	b.ReportAllocs()
	var doc bytes.Buffer
	for b.Loop() {
		doc.Reset()
		if err := WriteBinary(&doc, s); err != nil {
			b.Fatal(err)
		}
	}
}

// jsonDoc is s's JSON document.
func jsonDoc(t testing.TB, s *snapshot.Snapshot) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, s); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// A snapshot read back from its binary form writes the same JSON document as the snapshot it
// was written from, compressed or not: header members, every kind's objects (a secret's
// metadata and type), what the collector keeps of a pod. The objects of the demo snapshot and
// the synthetic one are what a protobuf round trip keeps (their empty lists are absent, as
// from the API server).
func TestBinaryRoundTrip(t *testing.T) {
	_, file, _, _ := runtime.Caller(0)
	demo, err := ReadFile(filepath.Join(filepath.Dir(file), "..", "..", "examples", "snapshots", "demo.json"))
	if err != nil {
		t.Fatal(err)
	}
	for name, s := range map[string]*snapshot.Snapshot{"sample": sample(), "demo": demo, "synthetic": synth.Snapshot(300)} {
		want := jsonDoc(t, s)
		for _, c := range []byte{compressNone, compressZstd} {
			var bin bytes.Buffer
			if err := writeBinary(&bin, s, c); err != nil {
				t.Fatal(err)
			}
			got, err := Read(bytes.NewReader(bin.Bytes()))
			if err != nil {
				t.Fatalf("%s, compression %d: %v", name, c, err)
			}
			if doc := jsonDoc(t, got); !bytes.Equal(doc, want) {
				t.Errorf("%s, compression %d: the binary form read back differs from the JSON at %s", name, c, firstDiff(doc, want))
			}
			if len(s.Pods) > 0 && bin.Len() >= len(want) {
				t.Errorf("%s, compression %d: %d bytes, no smaller than the JSON's %d", name, c, bin.Len(), len(want))
			}
		}
	}
}

// WriteAs writes either form, and ReadFile tells them apart.
func TestWriteAs(t *testing.T) {
	dir := t.TempDir()
	s := sample()
	for _, f := range Formats {
		path := filepath.Join(dir, "snap."+string(f))
		var buf bytes.Buffer
		if err := WriteAs(&buf, s, f); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if isBinary(raw) != (f == Binary) {
			t.Errorf("%s: the file starts %q", f, raw[:8])
		}
		got, err := ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(jsonDoc(t, got), jsonDoc(t, s)) {
			t.Errorf("%s: read back differs", f)
		}
	}
	if _, err := ParseFormat("yaml"); err == nil {
		t.Error("ParseFormat(yaml) accepted")
	}
}

// A damaged binary snapshot is refused with an error that says where.
func TestReadBinaryMalformed(t *testing.T) {
	var bin bytes.Buffer
	if err := writeBinary(&bin, synth.Snapshot(20), compressNone); err != nil {
		t.Fatal(err)
	}
	doc := bin.Bytes()
	cases := map[string]struct {
		doc  []byte
		want string
	}{
		"truncated":          {doc[:len(doc)-40], "truncated binary snapshot"},
		"no end":             {doc[:len(doc)-1], "truncated binary snapshot"},
		"trailing data":      {append(append([]byte{}, doc...), 1), "unexpected data after the end"},
		"version":            {append(append([]byte("KPSNAP"), 9, 0), doc[8:]...), "version 9"},
		"compression":        {append(append([]byte("KPSNAP"), 1, 7), doc[8:]...), "unknown compression 7"},
		"huge record":        {append([]byte("KPSNAP\x01\x00"), 0xff, 0xff, 0xff, 0xff, 0x0f), "more than the file holds"},
		"header not object":  {append([]byte("KPSNAP\x01\x00"), 2, '[', ']'), "not an object"},
		"unknown list":       {binaryDoc(t, `{"apiVersion":"kubeposture.io/v1alpha1","kind":"Snapshot","resources":{}}`, "widgets", 0), `unknown list "widgets"`},
		"list in header":     {binaryDoc(t, `{"apiVersion":"kubeposture.io/v1alpha1","kind":"Snapshot","resources":{},"pods":[{}]}`, "", 0), "not in its header"},
		"bad object":         {binaryDoc(t, `{"apiVersion":"kubeposture.io/v1alpha1","kind":"Snapshot","resources":{}}`, "pods", 1, 0x0a, 0x05), "pods[0]"},
		"not a snapshot":     {binaryDoc(t, `{"apiVersion":"v1","kind":"Pod","resources":{}}`, "", 0), "apiVersion/kind"},
		"empty after header": {[]byte("KPSNAP\x01\x00"), "truncated binary snapshot"},
	}
	for name, tc := range cases {
		_, err := Read(bytes.NewReader(tc.doc))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want it to say %q", name, err, tc.want)
		}
	}
}

// binaryDoc is an uncompressed binary document with the header given, then, when list is
// not empty, that list's record with n objects each of the bytes obj, then the end.
func binaryDoc(t testing.TB, header, list string, n int, obj ...byte) []byte {
	t.Helper()
	var b bytes.Buffer
	b.WriteString("KPSNAP\x01\x00")
	rec := func(p []byte) {
		var tmp [10]byte
		n := 0
		for v := uint64(len(p)); ; v >>= 7 {
			if v < 0x80 {
				tmp[n] = byte(v)
				n++
				break
			}
			tmp[n] = byte(v) | 0x80
			n++
		}
		b.Write(tmp[:n])
		b.Write(p)
	}
	rec([]byte(header))
	if list != "" {
		rec([]byte(list))
		b.WriteByte(byte(n))
		for range n {
			rec(nil) // apiVersion
			rec(nil) // kind
			rec(obj)
		}
	}
	rec(nil)
	return b.Bytes()
}

// Recorded list lengths are untrusted, as JSON counts are: a 1 MiB binary document whose every
// list claims 2^60 objects reserves no more than 64 bytes per byte of the file in all.
func TestReadBinaryForgedLengthsBoundMemory(t *testing.T) {
	header := `{"apiVersion":"kubeposture.io/v1alpha1","kind":"Snapshot","resources":{},"padding":"` + strings.Repeat("x", 1<<20) + `"}`
	var b bytes.Buffer
	b.Write(binaryDoc(t, header, "", 0))
	doc := b.Bytes()[:b.Len()-1] // without the end
	for _, k := range snapshot.CollectedKinds {
		var tmp []byte
		tmp = append(tmp, byte(len(k.Member)))
		tmp = append(tmp, k.Member...)
		tmp = append(tmp, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10) // 2^60
		tmp = append(tmp, 0, 0, 0)                                              // one empty object
		doc = append(doc, tmp...)
	}
	path := filepath.Join(t.TempDir(), "forged.kps")
	if err := os.WriteFile(path, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := ReadFile(path)
	runtime.ReadMemStats(&after)
	if err == nil {
		t.Fatal("a document with forged lengths was accepted")
	}
	if got, limit := after.TotalAlloc-before.TotalAlloc, uint64(len(doc))*binaryExpansion+16<<20; got > limit {
		t.Errorf("reading a %d-byte document with forged lengths allocated %d MB, want at most %d MB", len(doc), got>>20, limit>>20)
	}
}

func FuzzReadBinary(f *testing.F) {
	for _, c := range []byte{compressNone, compressZstd} {
		var b bytes.Buffer
		if err := writeBinary(&b, sample(), c); err != nil {
			f.Fatal(err)
		}
		f.Add(b.Bytes())
	}
	f.Add(binaryDoc(f, `{"apiVersion":"kubeposture.io/v1alpha1","kind":"Snapshot","resources":{}}`, "pods", 1, 0x0a, 0x00))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Read(bytes.NewReader(data))
		if err != nil {
			if s != nil || err.Error() == "" {
				t.Fatalf("Read returned %v and error %q", s, err)
			}
			return
		}
		if err := s.Validate(); err != nil {
			t.Fatalf("Read accepted a snapshot that does not validate: %v", err)
		}
		var b bytes.Buffer
		if err := WriteBinary(&b, s); err != nil {
			t.Fatalf("WriteBinary of an accepted snapshot: %v", err)
		}
		if _, err := Read(&b); err != nil {
			t.Fatalf("Read(WriteBinary(s)): %v", err)
		}
	})
}

// firstDiff shows where two documents first differ.
func firstDiff(a, b []byte) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from := max(i-150, 0)
	return fmt.Sprintf("byte %d:\n%s\n%s", i, a[from:min(i+150, len(a))], b[from:min(i+150, len(b))])
}
