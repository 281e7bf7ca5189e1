package nodeagent

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// The node agent's DaemonSet mounts the host directories it reads, each on its own under
// Root, not the host's whole filesystem (examples/node-agent/daemonset.yaml). A path outside
// them then looks absent, and an absent file passes the file checks (nothing to protect): such
// a path is recorded as not examined instead, naming what to mount.

// mountedPaths returns the host paths visible under root, or nil when all of them are: root is
// itself a mount point (the host's / mounted there, or the agent on the node with --root /),
// or nothing is mounted under it (a node's tree copied or mounted elsewhere, as in the tests).
// The mount points come from mountinfo (/proc/self/mountinfo: proc(5)).
func mountedPaths(root, mountinfo string) []string {
	root = filepath.Clean(root)
	if root == "/" {
		return nil
	}
	f, err := os.Open(mountinfo)
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		// "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw": the fifth field is
		// the mount point, with space, tab, newline and backslash escaped in octal.
		fields := strings.Fields(sc.Text())
		if len(fields) < 5 {
			continue
		}
		mp := unescapeMountinfo(fields[4])
		if mp == root {
			return nil
		}
		if rel, ok := strings.CutPrefix(mp, root+"/"); ok {
			out = append(out, "/"+rel)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func unescapeMountinfo(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// visible reports whether the host path p (absolute, as on the node) is under a path mounted
// under the agent's root.
func (a *agent) visible(p string) bool {
	if a.mounts == nil {
		return true
	}
	p = filepath.Clean("/" + p)
	for _, m := range a.mounts {
		if p == m || strings.HasPrefix(p, strings.TrimSuffix(m, "/")+"/") {
			return true
		}
	}
	return false
}

// notMounted is the error recorded for a host path the agent cannot see.
func (a *agent) notMounted(p string) string {
	return "not examined: " + p + " is outside the host paths mounted under " + a.root + " (" +
		strings.Join(a.mounts, ", ") + "); mount its directory into the agent read-only"
}
