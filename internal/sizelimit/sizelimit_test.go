package sizelimit

import (
	"bufio"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFormat(t *testing.T) {
	for n, want := range map[int64]string{16 << 20: "16 MiB", 1 << 30: "1 GiB", 4 << 10: "4 KiB", 1000: "1000 bytes", 3<<20 + 1: "3145729 bytes"} {
		if got := Format(n); got != want {
			t.Errorf("Format(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	small, big := filepath.Join(dir, "small"), filepath.Join(dir, "big")
	if err := os.WriteFile(small, []byte("1234"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(big, []byte("12345"), 0o600); err != nil {
		t.Fatal(err)
	}
	if b, err := ReadFile(small, 4, "a test file"); err != nil || string(b) != "1234" {
		t.Errorf("at the limit: %q, %v", b, err)
	}
	_, err := ReadFile(big, 4, "a test file")
	if !IsTooLarge(err) || err.Error() != big+": larger than 4 bytes, the limit for a test file: refused unread (split it, or see the README's size limits)" {
		t.Errorf("over the limit: %v", err)
	}
	// A stream whose size is not known beforehand is cut at the limit.
	if _, err := ReadAll(strings.NewReader("12345"), 4, "standard input", "a test stream"); !IsTooLarge(err) || !strings.HasPrefix(err.Error(), "standard input: ") {
		t.Errorf("stream over the limit: %v", err)
	}
}

// Each document of a stream has its own budget, charged with the parser's read-ahead.
func TestReader(t *testing.T) {
	r := NewReader(strings.NewReader("aaaa\nbbbbbbbbbbbbbbbbbbbb\ncc\n"), 8, "a line")
	br := bufio.NewReaderSize(r, 16)
	line, err := br.ReadString('\n')
	if line != "aaaa\n" || err != nil {
		t.Fatalf("first line %q, %v", line, err)
	}
	r.Next()
	if _, err := br.ReadString('\n'); !IsTooLarge(err) {
		t.Fatalf("second line: err = %v, want it over the limit", err)
	}
	if _, err := io.ReadAll(r); !IsTooLarge(err) {
		t.Errorf("reading on without Next: %v", err)
	}
}
