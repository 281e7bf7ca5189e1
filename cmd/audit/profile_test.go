package main

import (
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// --profile writes the profile it names, whether the command succeeds or fails, and refuses
// a kind it does not know.
func TestProfile(t *testing.T) {
	dir := t.TempDir()
	for _, kind := range []string{"cpu", "heap", "allocs"} {
		out := filepath.Join(dir, kind+".pprof")
		// The demo snapshot has failures: exit code 1, and the profile is written all the same.
		if _, errOut, code := runCLI(t, "scan", "--snapshot", demo, "--output-file", os.DevNull, "--profile", kind, "--profile-output", out); code != 1 {
			t.Fatalf("--profile %s: exit %d: %s", kind, code, errOut)
		}
		// A profile is a gzipped protocol buffer, a few kilobytes for this run.
		f, err := os.Open(out)
		if err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(f)
		if err != nil {
			t.Fatalf("--profile %s: not a pprof profile: %v", kind, err)
		}
		b, err := io.ReadAll(zr)
		f.Close()
		if err != nil || len(b) < 100 {
			t.Errorf("--profile %s: %d bytes, %v", kind, len(b), err)
		}
	}
	if _, errOut, code := runCLI(t, "version", "--profile", "mem"); code != 2 || !strings.Contains(errOut, `--profile "mem"`) {
		t.Errorf("--profile mem: exit %d, %q; want 2 and an error naming the flag", code, errOut)
	}
}
