// Package privatefile writes files that only their owner may read (mode 0600, directories
// 0700) without writing through a symlink planted where they go: each file is created under a
// fresh name in its directory (O_CREATE|O_EXCL, which never opens an existing file or link)
// and then renamed into place, which replaces a link instead of following it. A reader never
// sees a half-written file under the final name.
package privatefile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
)

// Modes of what this package writes.
const (
	FileMode = 0o600
	DirMode  = 0o700
)

// WriteFile writes the file path with write, replacing what is there (a file or a link).
func WriteFile(path string, write func(io.Writer) error) error {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	// os.CreateTemp opens with O_CREATE|O_EXCL and mode 0600.
	f, err := os.CreateTemp(dir, "."+base+".*.partial")
	if err != nil {
		return err
	}
	tmp := f.Name()
	err = write(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

// ErrExist is returned by WriteNew and WriteDir for a path that is already taken.
var ErrExist = errors.New("already exists: choose another name")

// WriteNew is WriteFile for a path that must not exist yet.
func WriteNew(path string, write func(io.Writer) error) error {
	if _, err := os.Lstat(path); !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s %w", path, ErrExist)
	}
	return WriteFile(path, write)
}

// WriteDir makes dir, mode 0700, holding files (plain names to contents), each 0600: they are
// written into a fresh directory beside it, which is then renamed to dir. dir must not exist,
// or be an empty directory; its parent is created if need be.
func WriteDir(dir string, files map[string][]byte) error {
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, DirMode); err != nil {
		return err
	}
	if st, err := os.Lstat(dir); err == nil {
		if !st.IsDir() {
			return fmt.Errorf("%s %w (it is not a directory)", dir, ErrExist)
		}
		// An empty directory makes way (os.Rename does not replace a directory); one with
		// anything in it stays.
		if err := os.Remove(dir); err != nil {
			return fmt.Errorf("%s %w (it is a directory that is not empty)", dir, ErrExist)
		}
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".*.partial") // mode 0700
	if err != nil {
		return err
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if err := createNew(filepath.Join(tmp, n), files[n]); err != nil {
			os.RemoveAll(tmp)
			return err
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		os.RemoveAll(tmp)
		if errors.Is(err, fs.ErrExist) { // made meanwhile
			return fmt.Errorf("%s %w", dir, ErrExist)
		}
		return err
	}
	return nil
}

// createNew creates a file that does not exist, 0600, with data.
func createNew(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL|oNoFollow, FileMode)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// OpenNoFollow opens path for reading, refusing a link as its last element (where the
// platform can): what a bundle's reader opens is the file its directory entry shows.
func OpenNoFollow(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|oNoFollow, 0)
}
