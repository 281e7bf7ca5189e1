package deploy_test

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

// TestDockerfileBuildsStaticBinary runs the Dockerfile's own `go build` line (read from the
// file, so that the test follows it) with the build arguments set as BuildKit would, and
// checks the result with debug/elf: a static executable (no program interpreter, no dynamic
// section) that reports the version given with -X. The image itself is not built here (no
// Docker engine).
func TestDockerfileBuildsStaticBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary with -trimpath, which recompiles every package: not in -short")
	}
	if runtime.GOOS != "linux" {
		t.Skip("the image's binary is a Linux ELF; this test checks it on Linux only")
	}
	df, err := os.ReadFile("../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	var line string
	for _, l := range strings.Split(string(df), "\n") {
		if strings.HasPrefix(l, "RUN ") && strings.Contains(l, " go build ") {
			// Every binary of the image is static and without build paths.
			for _, want := range []string{"CGO_ENABLED=0", "-trimpath", "-s -w"} {
				if !strings.Contains(l, want) {
					t.Errorf("the Dockerfile's build line %q lacks %q", l, want)
				}
			}
			if strings.HasSuffix(l, " ./cmd/audit") {
				line = strings.TrimPrefix(l, "RUN ")
			}
		}
	}
	for _, want := range []string{"CGO_ENABLED=0", "-trimpath", `-ldflags "-s -w -X github.com/kubeposture/kubeposture.version=$VERSION"`, "-o /out/audit", "./cmd/audit"} {
		if !strings.Contains(line, want) {
			t.Fatalf("the Dockerfile's build line %q lacks %q", line, want)
		}
	}
	out := filepath.Join(t.TempDir(), "audit")
	cmd := exec.Command("sh", "-c", strings.Replace(line, "/out/audit", out, 1))
	cmd.Dir = ".."
	cmd.Env = append(os.Environ(), "TARGETOS=linux", "TARGETARCH="+runtime.GOARCH, "VERSION=v9.9.9-test")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", line, err, b)
	}

	f, err := elf.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP || p.Type == elf.PT_DYNAMIC {
			t.Errorf("binary has a %s program header: it is dynamically linked", p.Type)
		}
	}
	if s := f.Section(".dynamic"); s != nil {
		t.Error("binary has a .dynamic section")
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		t.Errorf("binary needs shared libraries %v", libs)
	}
	if s := f.Section(".symtab"); s != nil {
		t.Error("binary has a symbol table: -s was not applied")
	}
	v, err := exec.Command(out, "version").CombinedOutput()
	if err != nil || !strings.Contains(string(v), "v9.9.9-test") {
		t.Errorf("audit version: %q, %v; want v9.9.9-test (from -X)", v, err)
	}
}

// Every stage of the Dockerfile starts from an image pinned by digest: a tag can be moved to
// other content, a digest cannot.
func TestDockerfileBaseImagesPinned(t *testing.T) {
	df, err := os.ReadFile("../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	pinned := regexp.MustCompile(`^[a-z0-9./-]+(:[A-Za-z0-9._-]+)?@sha256:[0-9a-f]{64}$`)
	stages := 0
	for _, l := range strings.Split(string(df), "\n") {
		f := strings.Fields(l)
		if len(f) < 2 || f[0] != "FROM" {
			continue
		}
		stages++
		image := f[1]
		if strings.HasPrefix(image, "--platform=") && len(f) > 2 {
			image = f[2]
		}
		if !pinned.MatchString(image) {
			t.Errorf("%q: the base image is not pinned by digest", l)
		}
	}
	if stages == 0 {
		t.Error("no FROM line in the Dockerfile")
	}
}
