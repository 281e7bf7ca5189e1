package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kubeposture/kubeposture/imagescan"
)

func TestImageFlagsValidate(t *testing.T) {
	dir := t.TempDir()
	file := dir + "/f"
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	ok := imageFlags{timeout: time.Minute, concurrency: 2}
	// The scanner executable: any existing file will do for validation.
	t.Setenv(imagescan.ExecutableEnv, file)
	tests := []struct {
		name string
		set  func(f *imageFlags)
		// want is a substring of the error, "" for none.
		want string
	}{
		{"off", func(f *imageFlags) {}, ""},
		{"server without --scan-images", func(f *imageFlags) { f.server = "http://trivy:4954" }, "add --scan-images"},
		{"cache dir without --scan-images", func(f *imageFlags) { f.cacheDir = dir }, "add --scan-images"},
		{"no database", func(f *imageFlags) { f.scan = true }, "--trivy-server URL"},
		{"both databases", func(f *imageFlags) { f.scan, f.server, f.cacheDir = true, "http://t", dir }, "give one"},
		{"cache dir is a file", func(f *imageFlags) { f.scan, f.cacheDir = true, file }, "--trivy-cache-dir"},
		{"zero timeout", func(f *imageFlags) { f.scan, f.server, f.timeout = true, "http://t", 0 }, "--image-scan-timeout"},
		{"zero concurrency", func(f *imageFlags) { f.scan, f.server, f.concurrency = true, "http://t", 0 }, "--image-concurrency"},
		{"server", func(f *imageFlags) { f.scan, f.server = true, "http://t" }, ""},
		{"cache dir", func(f *imageFlags) { f.scan, f.cacheDir = true, dir }, ""},
		{"no scanner executable", func(f *imageFlags) {
			f.scan, f.server = true, "http://t"
			os.Setenv(imagescan.ExecutableEnv, filepath.Join(dir, "missing")) // restored by t.Setenv's cleanup
		}, "go install github.com/kubeposture/kubeposture/cmd/audit-imagescan"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			os.Setenv(imagescan.ExecutableEnv, file)
			f := ok
			tt.set(&f)
			err := f.validate()
			want := tt.want
			switch {
			case want == "" && err != nil:
				t.Errorf("unexpected error: %v", err)
			case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
				t.Errorf("error %v, want one saying %q", err, want)
			}
		})
	}
}
