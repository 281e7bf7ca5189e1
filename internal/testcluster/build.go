// Package testcluster runs a real kube-apiserver and etcd on loopback for tests, for
// benchmarks, and for trying kubeposture by hand (test/localcluster).
//
// The binaries come from the nested module test/cluster, which builds the upstream API server
// from k8s.io/kubernetes. They are built once per machine and source change into the user's
// cache directory: the first build takes about ten minutes on two cores, later runs reuse it.
package testcluster

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"syscall"
)

// Binaries holds the paths of the built server binaries.
type Binaries struct {
	APIServer string
	Etcd      string
	// Version is the Kubernetes release the API server was built from (e.g. v1.37.2).
	Version string
}

// moduleDir is test/cluster in this checkout, found from this source file's location so that
// tests in any package (and go run from any directory) find it.
func moduleDir() (string, error) {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "", fmt.Errorf("testcluster: cannot locate the source tree")
	}
	dir := filepath.Join(filepath.Dir(file), "..", "..", "test", "cluster")
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		return "", fmt.Errorf("testcluster: the test/cluster module is missing at %s: %w", dir, err)
	}
	return filepath.Clean(dir), nil
}

// Build builds kube-apiserver and etcd from test/cluster unless binaries for the same
// sources are already in the cache. Concurrent callers (test packages run in parallel) wait
// for one build through a file lock. Progress goes to log, which may be nil.
func Build(log io.Writer) (*Binaries, error) {
	if log == nil {
		log = io.Discard
	}
	src, err := moduleDir()
	if err != nil {
		return nil, err
	}
	version, err := kubernetesVersion(filepath.Join(src, "go.mod"))
	if err != nil {
		return nil, err
	}
	key, err := sourceKey(src)
	if err != nil {
		return nil, err
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	out := filepath.Join(cache, "kubeposture-testcluster", version+"-"+key[:16])
	b := &Binaries{APIServer: filepath.Join(out, "kube-apiserver"), Etcd: filepath.Join(out, "etcd"), Version: version}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, fmt.Errorf("testcluster: %w", err)
	}
	unlock, err := lock(filepath.Join(out, ".lock"))
	if err != nil {
		return nil, err
	}
	defer unlock()
	if exists(b.APIServer) && exists(b.Etcd) {
		return b, nil
	}
	fmt.Fprintf(log, "testcluster: building kube-apiserver %s and etcd into %s (about 10 minutes the first time)\n", version, out)
	minor := strings.SplitN(strings.TrimPrefix(version, "v"), ".", 3)
	if len(minor) < 2 {
		return nil, fmt.Errorf("testcluster: cannot read a major.minor from k8s.io/kubernetes version %q", version)
	}
	// Stamp the release into the binary so that /version reports it; a plain build says
	// v0.0.0-master, which would make every version-dependent check wrong.
	ldflags := strings.Join([]string{
		"-X k8s.io/component-base/version.gitVersion=" + version,
		"-X k8s.io/component-base/version.gitMajor=" + minor[0],
		"-X k8s.io/component-base/version.gitMinor=" + minor[1],
		"-X k8s.io/component-base/version.gitTreeState=clean",
		"-X k8s.io/client-go/pkg/version.gitVersion=" + version,
	}, " ")
	cmd := exec.Command("go", "build", "-o", out+string(filepath.Separator), "-ldflags", ldflags, "./kube-apiserver", "./etcd")
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "GOWORK=off")
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Run(); err != nil {
		os.Remove(b.APIServer)
		os.Remove(b.Etcd)
		return nil, fmt.Errorf("testcluster: go build in %s: %w", src, err)
	}
	return b, nil
}

func exists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

func lock(path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("testcluster: lock %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("testcluster: lock %s: %w", path, err)
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

// kubernetesVersion reads the k8s.io/kubernetes version that test/cluster requires.
func kubernetesVersion(gomod string) (string, error) {
	f, err := os.Open(gomod)
	if err != nil {
		return "", fmt.Errorf("testcluster: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && fields[0] == "k8s.io/kubernetes" && strings.HasPrefix(fields[1], "v") {
			return fields[1], nil
		}
		if len(fields) >= 3 && fields[0] == "require" && fields[1] == "k8s.io/kubernetes" {
			return fields[2], nil
		}
	}
	return "", fmt.Errorf("testcluster: %s does not require k8s.io/kubernetes", gomod)
}

// sourceKey hashes the module's Go sources and go.mod/go.sum: a change to them means a
// rebuild, anything else reuses the cached binaries.
func sourceKey(dir string) (string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if !d.IsDir() && (strings.HasSuffix(name, ".go") || name == "go.mod" || name == "go.sum") {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("testcluster: hash sources: %w", err)
	}
	sort.Strings(files)
	h := sha256.New()
	fmt.Fprintln(h, runtime.Version())
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			return "", fmt.Errorf("testcluster: hash sources: %w", err)
		}
		rel, _ := filepath.Rel(dir, p)
		fmt.Fprintf(h, "%s %d\n", rel, len(data))
		h.Write(data)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
