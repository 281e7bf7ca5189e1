package privatefile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func write(s string) func(io.Writer) error {
	return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
}

func mode(t *testing.T, path string) os.FileMode {
	t.Helper()
	st, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	return st.Mode()
}

// A link planted where the file goes is replaced, its target untouched; the file is 0600.
func TestWriteFileReplacesALink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "target")
	if err := os.WriteFile(target, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "snapshot.json")
	if err := os.Symlink(target, path); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(path, write("new")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(target); string(b) != "precious" {
		t.Errorf("the link's target was written: %q", b)
	}
	if b, _ := os.ReadFile(path); string(b) != "new" || mode(t, path) != 0o600 {
		t.Errorf("the file: %q, mode %v; want new, 0600", b, mode(t, path))
	}
	// A failed write leaves nothing behind.
	if err := WriteFile(filepath.Join(dir, "x"), func(io.Writer) error { return errors.New("boom") }); err == nil {
		t.Error("a failed write succeeded")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("left behind: %v", entries)
	}
}

func TestWriteNew(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "bundle.tar.gz")
	if err := os.Symlink(filepath.Join(dir, "elsewhere"), path); err != nil {
		t.Fatal(err)
	}
	if err := WriteNew(path, write("x")); !errors.Is(err, ErrExist) {
		t.Errorf("over a dangling link: %v, want ErrExist", err)
	}
	if _, err := os.Lstat(filepath.Join(dir, "elsewhere")); err == nil {
		t.Error("the link's target was created")
	}
}

// A directory is written whole, 0700 with 0600 files, under its name only when complete; a
// link planted at its name, or inside it beforehand, is never written through.
func TestWriteDir(t *testing.T) {
	base := t.TempDir()
	files := map[string][]byte{"manifest.json": []byte("{}"), "report.json": []byte("[]")}
	dir := filepath.Join(base, "a", "bundle")
	if err := WriteDir(dir, files); err != nil {
		t.Fatal(err)
	}
	if mode(t, dir).Perm() != 0o700 || mode(t, filepath.Join(dir, "report.json")) != 0o600 {
		t.Errorf("modes %v and %v, want 0700 and 0600", mode(t, dir).Perm(), mode(t, filepath.Join(dir, "report.json")))
	}
	if err := WriteDir(dir, files); !errors.Is(err, ErrExist) {
		t.Errorf("over a bundle: %v, want ErrExist", err)
	}
	empty := filepath.Join(base, "empty")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := WriteDir(empty, files); err != nil {
		t.Errorf("into an empty directory: %v", err)
	}

	// The attack: a directory holding a link named like a bundle file, pointing at a file
	// of the victim's.
	victim := filepath.Join(base, "victim")
	if err := os.WriteFile(victim, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	planted := filepath.Join(base, "planted")
	if err := os.Mkdir(planted, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(victim, filepath.Join(planted, "report.json")); err != nil {
		t.Fatal(err)
	}
	if err := WriteDir(planted, files); !errors.Is(err, ErrExist) {
		t.Errorf("into a directory with a planted link: %v, want ErrExist", err)
	}
	link := filepath.Join(base, "link")
	if err := os.Symlink(victim, link); err != nil {
		t.Fatal(err)
	}
	if err := WriteDir(link, files); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("at a link: %v, want it refused", err)
	}
	if b, _ := os.ReadFile(victim); string(b) != "precious" {
		t.Errorf("the victim's file was written: %q", b)
	}
	if entries, _ := filepath.Glob(filepath.Join(base, ".*partial")); len(entries) > 0 {
		t.Errorf("left behind: %v", entries)
	}
}
