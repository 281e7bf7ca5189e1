package workload

import (
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubeposture/kubeposture/checks"
)

// hostVolume returns a spec with a hostPath volume "host" of path mounted by container "app"
// at /host, with subPath and readOnly as given.
func hostVolume(path, subPath string, readOnly bool) corev1.PodSpec {
	return with(func(s *corev1.PodSpec) {
		s.Volumes = []corev1.Volume{{Name: "host", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: path}}}}
		s.Containers[0].VolumeMounts = []corev1.VolumeMount{{Name: "host", MountPath: "/host", SubPath: subPath, ReadOnly: readOnly}}
	})
}

// TestHostPaths runs both host path controls over the same pods: each case says what
// KP-WL-025 (runtime sockets, the node's root) and KP-WL-026 (credentials, system
// directories, the rest) make of it.
func TestHostPaths(t *testing.T) {
	p := res("Pod", "a", "p")
	type verdict struct {
		status   checks.Status
		observed []string
	}
	pass := verdict{status: checks.Pass}
	tests := []struct {
		name      string
		spec      corev1.PodSpec
		runtime   verdict // KP-WL-025
		sensitive verdict // KP-WL-026
	}{
		{"docker socket read-only is still a socket", hostVolume("/var/run/docker.sock", "", true),
			verdict{checks.Fail, []string{`volume "host" hostPath /var/run/docker.sock (a container runtime's socket`,
				"read-only does not stop writes to a socket", `mounted read-only by container "app"`}}, pass},
		{"containerd socket", hostVolume("/run/containerd/containerd.sock", "", false),
			verdict{checks.Fail, []string{"/run/containerd/containerd.sock", "mounted writable by"}}, pass},
		{"CRI-O socket", hostVolume("/var/run/crio/crio.sock", "", true), verdict{checks.Fail, []string{"runtime's socket"}}, pass},
		{"k3s containerd socket", hostVolume("/run/k3s/containerd/containerd.sock", "", false), verdict{checks.Fail, nil}, pass},
		{"a directory that contains the sockets", hostVolume("/var/run", "", true),
			verdict{checks.Fail, []string{"contains the container runtime socket /var/run/containerd/containerd.sock"}}, pass},
		{"/var holds the sockets too", hostVolume("/var", "", true), verdict{checks.Fail, []string{"contains the container runtime socket"}}, pass},
		{"trailing slash and double slash are cleaned", hostVolume("//run/containerd/", "", true),
			verdict{checks.Fail, []string{"hostPath /run/containerd (contains"}}, pass},
		{"the node's root", hostVolume("/", "", true), verdict{checks.Fail, []string{"hostPath / (the node's root filesystem)"}}, pass},
		{"any other daemon socket", hostVolume("/tmp/agent.sock", "", true), verdict{checks.Fail, []string{"a socket of a node daemon"}}, pass},
		{"subPath reaches the socket through /var", hostVolume("/var", "run/docker.sock", true),
			verdict{checks.Fail, []string{"hostPath /var/run/docker.sock"}}, pass},
		{"subPath narrows / to the time zone", hostVolume("/", "etc/localtime", true),
			pass, verdict{checks.Pass, []string{"hostPath /etc/localtime (public data, read-only)"}}},
		{"kubernetes PKI read-only", hostVolume("/etc/kubernetes/pki", "", true),
			pass, verdict{checks.Fail, []string{"Kubernetes credentials", "read-only does not help", "mounted read-only"}}},
		{"/etc read-only contains the PKI", hostVolume("/etc", "", true),
			pass, verdict{checks.Fail, []string{"contains /etc/kubernetes"}}},
		{"/var/lib contains the kubelet's directory", hostVolume("/var/lib", "", true),
			pass, verdict{checks.Fail, []string{"contains /var/lib/kubelet"}}},
		{"kubelet pods directory", hostVolume("/var/lib/kubelet/pods", "", false), pass, verdict{checks.Fail, []string{"the kubelet's state"}}},
		{"/proc read-only", hostVolume("/proc", "", true), pass, verdict{checks.Fail, []string{"/proc/1/root"}}},
		{"an SSH directory below /home", hostVolume("/home/ops/.ssh", "", true), pass, verdict{checks.Fail, []string{"home directories"}}},
		{"/sys read-only warns", hostVolume("/sys", "", true), pass, verdict{checks.Warn, []string{"the kernel's sysfs", "read-only"}}},
		{"/sys writable fails", hostVolume("/sys/fs/cgroup", "", false), pass, verdict{checks.Fail, []string{"sysfs", "writable"}}},
		{"/var/log writable fails", hostVolume("/var/log", "", false), pass, verdict{checks.Fail, []string{"a symlink planted there"}}},
		{"/var/log read-only warns", hostVolume("/var/log", "", true), pass, verdict{checks.Warn, nil}},
		{"time zone writable is a system file", hostVolume("/etc/localtime", "", false), pass, verdict{checks.Fail, []string{"the node's configuration"}}},
		{"CA certificates read-only pass, listed", hostVolume("/etc/ssl/certs", "", true), pass, verdict{checks.Pass, []string{"/etc/ssl/certs (public data, read-only)"}}},
		{"other path writable warns", hostVolume("/data", "", false), pass, verdict{checks.Warn, []string{"hostPath /data (writable: files planted on the node)"}}},
		{"other path read-only passes, listed", hostVolume("/data", "", true), pass, verdict{checks.Pass, []string{"hostPath /data (not a sensitive path)"}}},
		{"the D-Bus system bus has no .sock suffix", hostVolume("/var/run/dbus/system_bus_socket", "", false),
			verdict{checks.Fail, []string{"a socket of a root daemon of the node, /var/run/dbus/system_bus_socket,"}}, pass},
		{"a directory holding the D-Bus socket", hostVolume("/run/dbus", "", true),
			verdict{checks.Fail, []string{", /run/dbus/system_bus_socket,"}}, pass},
		{"a CNI state directory under /run is another path", hostVolume("/run/flannel", "", false),
			pass, verdict{checks.Warn, []string{"hostPath /run/flannel (writable: files planted on the node)"}}},
		{"subPathExpr is judged at the volume's path", with(func(s *corev1.PodSpec) {
			s.Volumes = []corev1.Volume{{Name: "logs", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/var/log/pods"}}}}
			s.Containers[0].VolumeMounts = []corev1.VolumeMount{{Name: "logs", MountPath: "/logs", SubPathExpr: "$(POD_NAME)"}}
		}), pass, verdict{checks.Fail, []string{`volume "logs" hostPath /var/log/pods`, "writable"}}},
		{"a hostPath volume no container mounts exposes nothing", with(func(s *corev1.PodSpec) {
			s.Volumes = []corev1.Volume{{Name: "sock", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/var/run/docker.sock"}}}}
		}), pass, pass},
		{"init and ephemeral containers, read-only and writable, are told apart", with(func(s *corev1.PodSpec) {
			s.Volumes = []corev1.Volume{
				{Name: "sock", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/run/containerd/containerd.sock"}}},
				{Name: "etc", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/etc/kubernetes"}}},
			}
			s.InitContainers = []corev1.Container{{Name: "copy", Image: "c@" + digest, VolumeMounts: []corev1.VolumeMount{{Name: "etc", MountPath: "/e", ReadOnly: true}}}}
			s.Containers[0].VolumeMounts = []corev1.VolumeMount{{Name: "etc", MountPath: "/e"}}
			s.EphemeralContainers = []corev1.EphemeralContainer{{EphemeralContainerCommon: corev1.EphemeralContainerCommon{
				Name: "dbg", Image: "busybox", VolumeMounts: []corev1.VolumeMount{{Name: "sock", MountPath: "/s", ReadOnly: true}}}}}
		}), verdict{checks.Fail, []string{`hostPath /run/containerd/containerd.sock`, `mounted read-only by ephemeralContainer "dbg"`}},
			verdict{checks.Fail, []string{`volume "etc" hostPath /etc/kubernetes (Kubernetes credentials`, `mounted read-only by initContainer "copy"`,
				`mounted writable by container "app"`}}},
		{"no host path", restrictedSpec(), pass, pass},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := collected()
			s.Pods = append(s.Pods, pod("a", "p", nil, tt.spec))
			expect(t, hostPathRuntime(s), []want{{res: p, status: tt.runtime.status, observed: tt.runtime.observed}})
			expect(t, hostPathSensitive(s), []want{{res: p, status: tt.sensitive.status, observed: tt.sensitive.observed}})
		})
	}

	t.Run("a daemonset's pods fold into one result", func(t *testing.T) {
		s := collected()
		spec := hostVolume("/var/lib/kubelet", "", true)
		addDeployment(s, "agents", "collector", spec, spec, spec, spec)
		want := []want{{res: res("Deployment", "agents", "collector"), status: checks.Fail, where: "spec.template.spec",
			observed: []string{"template and 3 of 3 pods: volume \"host\" hostPath /var/lib/kubelet"}}}
		expect(t, hostPathSensitive(s), want)
	})
}
