// Package testcluster runs real Kubernetes components on this machine for tests, for
// benchmarks, and for trying kubeposture by hand (test/localcluster): etcd and kube-apiserver
// on loopback, and on request kube-controller-manager, kube-scheduler and hollow nodes (the
// kubelet's own code with a fake container runtime, each in a network namespace of its own).
//
// The binaries come from the nested module test/cluster, which builds them from
// k8s.io/kubernetes. Each is built once per machine and source change into the user's cache
// directory, and only when a cluster needs it: the API server and etcd take about ten minutes
// the first time on two cores, the controller manager, scheduler and hollow node a few more;
// later runs reuse them.
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

// The components test/cluster builds, named as its directories.
const (
	compAPIServer         = "kube-apiserver"
	compEtcd              = "etcd"
	compControllerManager = "kube-controller-manager"
	compScheduler         = "kube-scheduler"
	compHollowNode        = "hollow-node"
)

// Binaries holds the paths of the built binaries; a component that was not asked for is "".
type Binaries struct {
	APIServer         string
	Etcd              string
	ControllerManager string
	Scheduler         string
	HollowNode        string
	// Version is the Kubernetes release the binaries were built from (e.g. v1.37.2).
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

// Build builds kube-apiserver and etcd, as Start needs them for a cluster without controllers
// or nodes.
func Build(log io.Writer) (*Binaries, error) {
	return build(log, compAPIServer, compEtcd)
}

// build builds the named components of test/cluster unless binaries for the same sources are
// already in the cache. Each is keyed by its own sources and the module's go.mod and go.sum,
// so that a change to one command does not rebuild the others. Concurrent callers (test
// packages run in parallel) wait for one build through a file lock. Progress goes to log,
// which may be nil.
func build(log io.Writer, names ...string) (*Binaries, error) {
	if log == nil {
		log = io.Discard
	}
	src, err := moduleDir()
	if err != nil {
		return nil, err
	}
	version, err := moduleVersion(filepath.Join(src, "go.mod"), "k8s.io/kubernetes")
	if err != nil {
		return nil, err
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	out := filepath.Join(cache, "kubeposture-testcluster", version)
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, fmt.Errorf("testcluster: %w", err)
	}
	b := &Binaries{Version: version}
	paths := map[string]*string{
		compAPIServer: &b.APIServer, compEtcd: &b.Etcd, compControllerManager: &b.ControllerManager,
		compScheduler: &b.Scheduler, compHollowNode: &b.HollowNode,
	}
	for _, name := range names {
		key, err := sourceKey(src, name)
		if err != nil {
			return nil, err
		}
		*paths[name] = filepath.Join(out, name+"-"+key[:16])
	}
	unlock, err := lock(filepath.Join(out, ".lock"))
	if err != nil {
		return nil, err
	}
	defer unlock()
	var missing []string
	for _, name := range names {
		if !exists(*paths[name]) {
			missing = append(missing, name)
		}
	}
	if len(missing) == 0 {
		return b, nil
	}
	fmt.Fprintf(log, "testcluster: building %s %s into %s (several minutes the first time)\n", strings.Join(missing, ", "), version, out)
	minor := strings.SplitN(strings.TrimPrefix(version, "v"), ".", 3)
	if len(minor) < 2 {
		return nil, fmt.Errorf("testcluster: cannot read a major.minor from k8s.io/kubernetes version %q", version)
	}
	// Stamp the release into the binaries so that /version and the kubelet's node status
	// report it; a plain build says v0.0.0-master, which would make every version-dependent
	// check wrong.
	ldflags := strings.Join([]string{
		"-X k8s.io/component-base/version.gitVersion=" + version,
		"-X k8s.io/component-base/version.gitMajor=" + minor[0],
		"-X k8s.io/component-base/version.gitMinor=" + minor[1],
		"-X k8s.io/component-base/version.gitTreeState=clean",
		"-X k8s.io/client-go/pkg/version.gitVersion=" + version,
	}, " ")
	tmp, err := os.MkdirTemp(out, ".build-")
	if err != nil {
		return nil, fmt.Errorf("testcluster: %w", err)
	}
	defer os.RemoveAll(tmp)
	args := []string{"build", "-o", tmp + string(filepath.Separator), "-ldflags", ldflags}
	for _, name := range missing {
		args = append(args, "./"+name)
	}
	cmd := exec.Command("go", args...)
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "GOWORK=off")
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("testcluster: go build in %s: %w", src, err)
	}
	for _, name := range missing {
		if err := os.Rename(filepath.Join(tmp, name), *paths[name]); err != nil {
			return nil, fmt.Errorf("testcluster: %w", err)
		}
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

// moduleVersion reads the version of module that test/cluster requires (k8s.io/kubernetes:
// the release of every component but etcd).
func moduleVersion(gomod, module string) (string, error) {
	f, err := os.Open(gomod)
	if err != nil {
		return "", fmt.Errorf("testcluster: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && fields[0] == module && strings.HasPrefix(fields[1], "v") {
			return fields[1], nil
		}
		if len(fields) >= 3 && fields[0] == "require" && fields[1] == module {
			return fields[2], nil
		}
	}
	return "", fmt.Errorf("testcluster: %s does not require %s", gomod, module)
}

// sourceKey hashes the module's go.mod and go.sum and the Go sources of the component's
// directory: a change to them means a rebuild of that component, anything else reuses it.
func sourceKey(dir, name string) (string, error) {
	files := []string{filepath.Join(dir, "go.mod"), filepath.Join(dir, "go.sum")}
	err := filepath.WalkDir(filepath.Join(dir, name), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(d.Name(), ".go") {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("testcluster: hash sources of %s: %w", name, err)
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
