package workload

import (
	"path"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// Host path mounts graded by what they expose on the node, for KP-WL-025 (runtime sockets and
// the node's root) and KP-WL-026 (credential stores and system directories). A mount is judged
// at the path the container sees: the volume's path joined with the mount's subPath. A
// directory that contains a sensitive path exposes it too ("/var" holds the Docker socket and
// the kubelet's directory), and a path below a sensitive directory is as sensitive as it where
// read access is the harm ("/etc/kubernetes/pki").

// hpClass is how bad a host path mount is.
type hpClass int

const (
	// hpOther: a host path no table names. Writable, it can still plant files on the node.
	hpOther hpClass = iota
	// hpBenign: a read-only path that only exposes public data (time zone, CA certificates).
	hpBenign
	// hpSystem: the node's system files: writable is a takeover, read-only a disclosure of
	// configuration (read-only helps).
	hpSystem
	// hpSecret: credentials or other workloads' data: read access is the harm (read-only does
	// not help).
	hpSecret
	// hpRuntime: the node's root or a container runtime's socket: control of the node, whatever
	// the mount mode (a socket is written through a read-only mount).
	hpRuntime
)

// runtimeSockets are the API sockets of the container runtimes, where the kubelet and tools
// find them (containerd, CRI-O, Docker and cri-dockerd, k3s, Podman; /var/run is a link to
// /run on current distributions, so both are listed).
var runtimeSockets = []string{
	"/run/containerd/containerd.sock", "/var/run/containerd/containerd.sock",
	"/run/crio/crio.sock", "/var/run/crio/crio.sock",
	"/run/docker.sock", "/var/run/docker.sock",
	"/run/cri-dockerd.sock", "/var/run/cri-dockerd.sock", "/var/run/dockershim.sock",
	"/run/k3s/containerd/containerd.sock",
	"/run/podman/podman.sock",
}

// daemonSockets are sockets of root daemons of the node other than the runtime whose names do
// not end in .sock: systemd's D-Bus system bus and private socket start units as root.
var daemonSockets = []string{
	"/run/dbus/system_bus_socket", "/var/run/dbus/system_bus_socket",
	"/run/systemd/private", "/var/run/systemd/private",
}

// secretPaths hold credentials or other workloads' data.
var secretPaths = []struct{ path, what string }{
	{"/etc/kubernetes", "Kubernetes credentials and manifests: kubeconfigs, PKI, static pods"},
	{"/var/lib/kubelet", "the kubelet's state: every pod's volumes and secrets, the kubelet's credentials"},
	{"/var/lib/etcd", "etcd's data: every object of the cluster, secrets included"},
	{"/var/lib/docker", "a container runtime's state: every container's filesystem"},
	{"/var/lib/containerd", "a container runtime's state: every container's filesystem"},
	{"/var/lib/containers", "a container runtime's state: every container's filesystem"},
	{"/root", "root's home directory: SSH keys, kubeconfigs"},
	{"/home", "users' home directories: SSH keys, kubeconfigs"},
	{"/etc/shadow", "the node's password hashes"},
	{"/etc/ssh", "the node's SSH host keys"},
	{"/proc", "the node's processes: their environments, and the node's filesystem through /proc/1/root"},
	{"/dev", "the node's devices: disks, memory"},
}

// systemPaths are the node's own files: writable, they let a container change the node.
var systemPaths = []struct{ path, what string }{
	{"/etc", "the node's configuration"},
	{"/sys", "the kernel's sysfs"},
	{"/boot", "the node's kernel and boot loader"},
	{"/usr", "the node's system files"},
	{"/bin", "the node's system files"},
	{"/sbin", "the node's system files"},
	{"/lib", "the node's system files"},
	{"/lib64", "the node's system files"},
	{"/opt/cni/bin", "the node's CNI plugins, run as root by the kubelet"},
	{"/var/log", "the node's and pods' logs; writable, a symlink planted there makes the kubelet read any node file"},
}

// benignReadOnly are read-only mounts commonly made for public data.
var benignReadOnly = map[string]bool{
	"/etc/localtime": true, "/etc/timezone": true, "/usr/share/zoneinfo": true,
	"/etc/ssl/certs": true, "/etc/pki/tls/certs": true, "/etc/ca-certificates": true,
	"/usr/share/ca-certificates": true, "/etc/machine-id": true, "/etc/os-release": true,
	"/lib/modules": true,
}

// within reports whether p is dir or below it.
func within(p, dir string) bool {
	return p == dir || strings.HasPrefix(p, dir+"/")
}

// classifyHostPath grades a mount of the node's path p (cleaned, absolute) and says why.
func classifyHostPath(p string, readOnly bool) (hpClass, string) {
	if p == "/" {
		return hpRuntime, "the node's root filesystem"
	}
	for _, s := range runtimeSockets {
		if p == s {
			return hpRuntime, "a container runtime's socket: control of every container on the node; read-only does not stop writes to a socket"
		}
		if within(s, p) {
			return hpRuntime, "contains the container runtime socket " + s + "; read-only does not stop writes to a socket"
		}
	}
	for _, s := range daemonSockets {
		if within(s, p) {
			return hpRuntime, "a socket of a root daemon of the node, " + s + ", which starts services as root; read-only does not stop writes to a socket"
		}
	}
	if strings.HasSuffix(p, ".sock") {
		return hpRuntime, "a socket of a node daemon: its API, with its privileges; read-only does not stop writes to a socket"
	}
	for _, s := range secretPaths {
		if within(p, s.path) {
			return hpSecret, s.what + "; read-only does not help"
		}
		if within(s.path, p) {
			return hpSecret, "contains " + s.path + ", " + s.what + "; read-only does not help"
		}
	}
	if readOnly && benignReadOnly[p] {
		return hpBenign, "public data, read-only"
	}
	for _, s := range systemPaths {
		if within(p, s.path) {
			return hpSystem, s.what
		}
	}
	return hpOther, ""
}

// hostMount is one host path as containers of a pod spec mount it.
type hostMount struct {
	volume, path string // path: the node path the containers see, subPath joined
	readOnly     bool
	class        hpClass
	why          string
	containers   []string // `container "app"`
}

// hostMounts lists the host path mounts of spec, one per volume, node path and mount mode,
// with the containers (of every kind) that make it. A hostPath volume no container mounts
// exposes nothing and is not listed. Nil, without allocating, when spec has no hostPath.
func hostMounts(spec *corev1.PodSpec) []hostMount {
	var paths map[string]string // volume name → node path
	for i := range spec.Volumes {
		if hp := spec.Volumes[i].HostPath; hp != nil {
			if paths == nil {
				paths = map[string]string{}
			}
			paths[spec.Volumes[i].Name] = hp.Path
		}
	}
	if paths == nil {
		return nil
	}
	var out []hostMount
	eachContainer(spec, func(kind string, c *corev1.Container) {
		for _, m := range c.VolumeMounts {
			base, ok := paths[m.Name]
			if !ok {
				continue
			}
			// subPathExpr expands per pod to any path below the volume: judge the volume's own
			// path, whose grading covers what is below it.
			p := cleanHostPath(base)
			if m.SubPath != "" {
				p = cleanHostPath(path.Join(base, m.SubPath))
			}
			who := kind + ` "` + c.Name + `"`
			found := false
			for i := range out {
				if out[i].volume == m.Name && out[i].path == p && out[i].readOnly == m.ReadOnly {
					out[i].containers = append(out[i].containers, who)
					found = true
					break
				}
			}
			if !found {
				class, why := classifyHostPath(p, m.ReadOnly)
				out = append(out, hostMount{volume: m.Name, path: p, readOnly: m.ReadOnly, class: class, why: why,
					containers: []string{who}})
			}
		}
	})
	return out
}

func cleanHostPath(p string) string {
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	return path.Clean(p)
}

// describe renders a mount for evidence: volume, node path, why, mode, and who mounts it.
func (m *hostMount) describe(b *strings.Builder) {
	if b.Len() > 0 {
		b.WriteString("; ")
	}
	b.WriteString(`volume "`)
	b.WriteString(m.volume)
	b.WriteString(`" hostPath `)
	b.WriteString(m.path)
	if m.why != "" {
		b.WriteString(" (")
		b.WriteString(m.why)
		b.WriteString(")")
	}
	if m.readOnly {
		b.WriteString(" mounted read-only by ")
	} else {
		b.WriteString(" mounted writable by ")
	}
	b.WriteString(strings.Join(m.containers, ", "))
}
