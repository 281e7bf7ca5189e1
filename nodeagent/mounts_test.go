package nodeagent

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestMountedPaths(t *testing.T) {
	mi := filepath.Join(t.TempDir(), "mountinfo")
	write := func(lines string) {
		if err := os.WriteFile(mi, []byte(lines), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// The DaemonSet: the container's / and the host paths under /host, one with a space.
	write(`2270 2050 0:353 / / ro,relatime master:719 - overlay overlay rw
2271 2270 0:356 / /proc rw,nosuid - proc proc rw
2290 2270 253:1 /etc/kubernetes /host/etc/kubernetes ro,relatime - ext4 /dev/vda1 rw
2291 2270 253:1 /var/lib/kubelet /host/var/lib/kubelet ro,relatime - ext4 /dev/vda1 rw
2292 2270 0:22 / /host/proc ro,nosuid - proc proc rw
2293 2270 253:1 /etc/passwd /host/etc/passwd ro,relatime - ext4 /dev/vda1 rw
2294 2270 253:1 /opt/my\040dir /host/opt/my\040dir ro,relatime - ext4 /dev/vda1 rw
`)
	want := []string{"/etc/kubernetes", "/var/lib/kubelet", "/proc", "/etc/passwd", "/opt/my dir"}
	if got := mountedPaths("/host", mi); !slices.Equal(got, want) {
		t.Errorf("mounted under /host: %q, want %q", got, want)
	}
	if got := mountedPaths("/host/", mi); !slices.Equal(got, want) {
		t.Errorf("mounted under /host/: %q, want %q", got, want)
	}
	// The host's / mounted at /host: everything is visible.
	write("2270 2050 0:353 / / ro - overlay overlay rw\n2290 2270 253:1 / /host ro - ext4 /dev/vda1 rw\n2291 2290 0:22 / /host/proc ro - proc proc rw\n")
	if got := mountedPaths("/host", mi); got != nil {
		t.Errorf("the host's / at /host: %q, want nil (all visible)", got)
	}
	// On the node itself, or over a tree with nothing mounted in it.
	if got := mountedPaths("/", mi); got != nil {
		t.Errorf("--root /: %q, want nil", got)
	}
	if got := mountedPaths("/srv/node-copy", mi); got != nil {
		t.Errorf("nothing mounted under the root: %q, want nil", got)
	}
	if got := mountedPaths("/host", filepath.Join(t.TempDir(), "missing")); got != nil {
		t.Errorf("no mountinfo: %q, want nil", got)
	}

	a := &agent{root: "/host", mounts: want}
	for p, ok := range map[string]bool{"/etc/kubernetes": true, "/etc/kubernetes/pki/ca.crt": true, "/etc/kubernetes-other": false,
		"/etc/passwd": true, "/etc/group": false, "/var/lib/kubelet/config.yaml": true, "/var/lib/etcd": false, "/opt/my dir/x": true} {
		if a.visible(p) != ok {
			t.Errorf("visible(%s) = %v, want %v", p, !ok, ok)
		}
	}
}
