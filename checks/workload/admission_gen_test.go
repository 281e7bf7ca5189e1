package workload

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// The generator of the differential test (admission_diff_test.go). A case starts from one of
// a few bases (restricted with the hardening at pod level or per container, no security
// context at all, a Windows pod) and gets one trap chosen round-robin, so that every trap is
// exercised in every run, plus up to three chosen at random, so that traps meet each other.
// The generated specs are meant to be valid; the few that the API server finds invalid (a
// combination its validation refuses) are counted and left out of the comparison.

// genCase is one generated pod: the annotations and spec to create, and how they were made.
type genCase struct {
	name        string
	annotations map[string]string
	spec        corev1.PodSpec
	traps       []string
	// want, for a fixed case, are the reasons expected at a level ("baseline:latest"), in
	// admission's order; empty: allowed.
	want map[string][]string
}

type podGen struct {
	r *rand.Rand
}

func (g *podGen) pick(n int) int          { return g.r.IntN(n) }
func (g *podGen) chance(p float64) bool   { return g.r.Float64() < p }
func pickOne[T any](g *podGen, xs ...T) T { return xs[g.pick(len(xs))] }

// Capabilities: the baseline level allows adding these; restricted only NET_BIND_SERVICE.
var (
	baselineCaps = []corev1.Capability{"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL",
		"MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"}
	// Outside the baseline list, and spellings the checks compare exactly ("chown" is not
	// "CHOWN"; "ALL" is not a capability to add).
	otherCaps = []corev1.Capability{"NET_ADMIN", "NET_RAW", "SYS_PTRACE", "SYS_MODULE", "BPF", "ALL", "chown",
		"CAP_CHOWN", "net_bind_service"}
	// Sysctls of the safe set, at the versions they joined it (some only at 1.27, 1.29,
	// 1.32 or 1.37: a namespace pinned to an older version refuses them), and some outside it.
	safeSysctls = []string{"kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start",
		"net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_local_reserved_ports",
		"net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl",
		"net.ipv4.tcp_keepalive_probes", "net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem",
		"net.ipv4.tcp_slow_start_after_idle", "net.ipv4.tcp_notsent_lowat"}
	unsafeSysctls = []string{"kernel.msgmax", "net.core.somaxconn", "kernel.sem", "net.ipv4.ip_forward", "vm.swappiness",
		"kernel.shm_rmid_forced.x"}
	seLinuxTypes = []string{"container_t", "container_init_t", "container_kvm_t", "container_engine_t", "", "spc_t",
		"unconfined_t", "container_t:s0"}
	hostPaths = []string{"/", "/var/run/docker.sock", "/etc", "/proc", "/var/log", "/data"}
)

func (g *podGen) restrictedSC() *corev1.SecurityContext {
	return &corev1.SecurityContext{
		RunAsNonRoot:             ptr(true),
		AllowPrivilegeEscalation: ptr(false),
		Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
		SeccompProfile:           &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
	}
}

func container(name string) corev1.Container {
	return corev1.Container{Name: name, Image: "registry.example/" + name + ":1"}
}

// base returns a case with its containers and one of the bases.
func (g *podGen) base(name string) *genCase {
	c := &genCase{name: name, annotations: map[string]string{}}
	c.spec.Containers = []corev1.Container{container("app")}
	if g.chance(0.3) {
		c.spec.Containers = append(c.spec.Containers, container("side"))
	}
	if g.chance(0.3) {
		c.spec.InitContainers = append(c.spec.InitContainers, container("init"))
	}
	if g.chance(0.15) { // a sidecar: a restartable init container
		s := container("sidecar")
		s.RestartPolicy = ptr(corev1.ContainerRestartPolicyAlways)
		c.spec.InitContainers = append(c.spec.InitContainers, s)
	}
	switch b := g.pick(10); {
	case b < 4: // the hardening split: pod level for runAsNonRoot and seccomp
		c.traps = append(c.traps, "base:restricted-pod-level")
		c.spec.SecurityContext = &corev1.PodSecurityContext{
			RunAsNonRoot:   ptr(true),
			SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
		}
		g.eachContainer(c, func(ctr *corev1.Container) {
			ctr.SecurityContext = &corev1.SecurityContext{
				AllowPrivilegeEscalation: ptr(false),
				Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
			}
		})
	case b < 7:
		c.traps = append(c.traps, "base:restricted-per-container")
		g.eachContainer(c, func(ctr *corev1.Container) { ctr.SecurityContext = g.restrictedSC() })
	case b < 9:
		c.traps = append(c.traps, "base:bare")
	default:
		c.traps = append(c.traps, "base:windows")
		c.spec.OS = &corev1.PodOS{Name: corev1.Windows}
	}
	return c
}

func (c *genCase) windows() bool { return c.spec.OS != nil && c.spec.OS.Name == corev1.Windows }

func (g *podGen) eachContainer(c *genCase, f func(*corev1.Container)) {
	for i := range c.spec.InitContainers {
		f(&c.spec.InitContainers[i])
	}
	for i := range c.spec.Containers {
		f(&c.spec.Containers[i])
	}
}

// anyContainer picks a container, init containers included.
func (g *podGen) anyContainer(c *genCase) *corev1.Container {
	n := len(c.spec.InitContainers) + len(c.spec.Containers)
	i := g.pick(n)
	if i < len(c.spec.InitContainers) {
		return &c.spec.InitContainers[i]
	}
	return &c.spec.Containers[i-len(c.spec.InitContainers)]
}

func sc(ctr *corev1.Container) *corev1.SecurityContext {
	if ctr.SecurityContext == nil {
		ctr.SecurityContext = &corev1.SecurityContext{}
	}
	return ctr.SecurityContext
}

func podSC(c *genCase) *corev1.PodSecurityContext {
	if c.spec.SecurityContext == nil {
		c.spec.SecurityContext = &corev1.PodSecurityContext{}
	}
	return c.spec.SecurityContext
}

func caps(ctr *corev1.Container) *corev1.Capabilities {
	s := sc(ctr)
	if s.Capabilities == nil {
		s.Capabilities = &corev1.Capabilities{}
	}
	return s.Capabilities
}

// trap changes a case in one way the Pod Security Standards have a rule (or a trap) about.
// It returns a short description of what it did.
type trap struct {
	name string
	// linux traps set fields a Windows pod may not have (the API server would refuse it).
	linux bool
	apply func(g *podGen, c *genCase) string
}

var traps = []trap{
	{"hostNetwork", true, func(g *podGen, c *genCase) string { c.spec.HostNetwork = true; return "" }},
	{"hostPID", true, func(g *podGen, c *genCase) string { c.spec.HostPID = true; return "" }},
	{"hostIPC", true, func(g *podGen, c *genCase) string { c.spec.HostIPC = true; return "" }},
	{"privileged", true, func(g *podGen, c *genCase) string {
		ctr := g.anyContainer(c)
		sc(ctr).Privileged = ptr(g.chance(0.8))
		return ctr.Name
	}},
	{"privileged-init-beside-clean-main", true, func(g *podGen, c *genCase) string {
		ctr := container(fmt.Sprintf("priv-init%d", len(c.spec.InitContainers)))
		ctr.SecurityContext = &corev1.SecurityContext{Privileged: ptr(true)}
		c.spec.InitContainers = append(c.spec.InitContainers, ctr)
		return ""
	}},
	{"allowPrivilegeEscalation", true, func(g *podGen, c *genCase) string {
		ctr := g.anyContainer(c)
		v := pickOne(g, "unset", "true", "false")
		switch v {
		case "unset":
			sc(ctr).AllowPrivilegeEscalation = nil
		case "true":
			sc(ctr).AllowPrivilegeEscalation = ptr(true)
		default:
			sc(ctr).AllowPrivilegeEscalation = ptr(false)
		}
		return ctr.Name + "=" + v
	}},
	{"drop-all-lowercase", true, func(g *podGen, c *genCase) string {
		ctr := g.anyContainer(c)
		caps(ctr).Drop = []corev1.Capability{"all"}
		return ctr.Name
	}},
	{"drop-other", true, func(g *podGen, c *genCase) string {
		ctr := g.anyContainer(c)
		d := pickOne(g, []corev1.Capability(nil), []corev1.Capability{"NET_RAW"}, []corev1.Capability{"NET_RAW", "ALL"}, []corev1.Capability{"ALL", "all"})
		caps(ctr).Drop = d
		return fmt.Sprintf("%s=%v", ctr.Name, d)
	}},
	{"add-baseline-cap", true, func(g *podGen, c *genCase) string {
		ctr := g.anyContainer(c)
		cp := pickOne(g, baselineCaps...)
		caps(ctr).Add = append(caps(ctr).Add, cp)
		return fmt.Sprintf("%s+%s", ctr.Name, cp)
	}},
	{"add-net-bind-service", true, func(g *podGen, c *genCase) string {
		ctr := g.anyContainer(c)
		caps(ctr).Add = append(caps(ctr).Add, "NET_BIND_SERVICE")
		return ctr.Name
	}},
	{"add-other-cap", true, func(g *podGen, c *genCase) string {
		ctr := g.anyContainer(c)
		cp := pickOne(g, otherCaps...)
		caps(ctr).Add = append(caps(ctr).Add, cp)
		return fmt.Sprintf("%s+%s", ctr.Name, cp)
	}},
	{"runAsNonRoot-pod-level-only", false, func(g *podGen, c *genCase) string {
		podSC(c).RunAsNonRoot = ptr(true)
		g.eachContainer(c, func(ctr *corev1.Container) {
			if ctr.SecurityContext != nil {
				ctr.SecurityContext.RunAsNonRoot = nil
			}
		})
		return ""
	}},
	{"runAsNonRoot-false", false, func(g *podGen, c *genCase) string {
		if g.chance(0.5) {
			podSC(c).RunAsNonRoot = ptr(false)
			return "pod"
		}
		ctr := g.anyContainer(c)
		sc(ctr).RunAsNonRoot = ptr(false)
		return ctr.Name
	}},
	{"runAsNonRoot-unset", false, func(g *podGen, c *genCase) string {
		if c.spec.SecurityContext != nil {
			c.spec.SecurityContext.RunAsNonRoot = nil
		}
		ctr := g.anyContainer(c)
		if ctr.SecurityContext != nil {
			ctr.SecurityContext.RunAsNonRoot = nil
		}
		return ctr.Name
	}},
	{"runAsUser", true, func(g *podGen, c *genCase) string {
		uid := pickOne(g, int64(0), int64(1000), int64(65534))
		if g.chance(0.5) {
			podSC(c).RunAsUser = ptr(uid)
			return fmt.Sprintf("pod=%d", uid)
		}
		ctr := g.anyContainer(c)
		sc(ctr).RunAsUser = ptr(uid)
		return fmt.Sprintf("%s=%d", ctr.Name, uid)
	}},
	{"seccomp-pod-runtimedefault-container-unconfined", true, func(g *podGen, c *genCase) string {
		podSC(c).SeccompProfile = &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}
		ctr := g.anyContainer(c)
		sc(ctr).SeccompProfile = &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeUnconfined}
		return ctr.Name
	}},
	{"seccomp", true, func(g *podGen, c *genCase) string {
		p := pickOne(g,
			&corev1.SeccompProfile{Type: corev1.SeccompProfileTypeUnconfined},
			&corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
			&corev1.SeccompProfile{Type: corev1.SeccompProfileTypeLocalhost, LocalhostProfile: ptr("profiles/audit.json")},
			nil)
		if g.chance(0.5) {
			podSC(c).SeccompProfile = p
			return fmt.Sprintf("pod=%v", p)
		}
		ctr := g.anyContainer(c)
		sc(ctr).SeccompProfile = p
		return fmt.Sprintf("%s=%v", ctr.Name, p)
	}},
	{"seccomp-unset-everywhere", true, func(g *podGen, c *genCase) string {
		if c.spec.SecurityContext != nil {
			c.spec.SecurityContext.SeccompProfile = nil
		}
		g.eachContainer(c, func(ctr *corev1.Container) {
			if ctr.SecurityContext != nil {
				ctr.SecurityContext.SeccompProfile = nil
			}
		})
		return ""
	}},
	{"seccomp-annotation", true, func(g *podGen, c *genCase) string {
		// Read by the policy before v1.19 only; the API server requires that an annotation
		// agrees with the field it mirrors, so the field is set to match.
		v := pickOne(g, "runtime/default", "unconfined", "localhost/profiles/audit.json")
		t := seccompField(v)
		if g.chance(0.5) {
			c.annotations[corev1.SeccompPodAnnotationKey] = v
			podSC(c).SeccompProfile = t
			return "pod=" + v
		}
		ctr := g.anyContainer(c)
		c.annotations[corev1.SeccompContainerAnnotationKeyPrefix+ctr.Name] = v
		sc(ctr).SeccompProfile = t
		return ctr.Name + "=" + v
	}},
	{"apparmor-annotation", true, func(g *podGen, c *genCase) string {
		ctr := g.anyContainer(c)
		v := pickOne(g, "runtime/default", "localhost/k8s-apparmor-example", "unconfined")
		c.annotations[corev1.DeprecatedAppArmorBetaContainerAnnotationKeyPrefix+ctr.Name] = v
		if s := ctr.SecurityContext; s != nil {
			s.AppArmorProfile = nil // an annotation and a field that disagree are invalid
		}
		if s := c.spec.SecurityContext; s != nil {
			s.AppArmorProfile = nil
		}
		return ctr.Name + "=" + v
	}},
	{"apparmor-field", true, func(g *podGen, c *genCase) string {
		p := pickOne(g,
			&corev1.AppArmorProfile{Type: corev1.AppArmorProfileTypeRuntimeDefault},
			&corev1.AppArmorProfile{Type: corev1.AppArmorProfileTypeUnconfined},
			&corev1.AppArmorProfile{Type: corev1.AppArmorProfileTypeLocalhost, LocalhostProfile: ptr("k8s-apparmor-example")})
		for k := range c.annotations {
			if strings.HasPrefix(k, corev1.DeprecatedAppArmorBetaContainerAnnotationKeyPrefix) {
				delete(c.annotations, k)
			}
		}
		if g.chance(0.5) {
			podSC(c).AppArmorProfile = p
			return "pod=" + string(p.Type)
		}
		ctr := g.anyContainer(c)
		sc(ctr).AppArmorProfile = p
		return ctr.Name + "=" + string(p.Type)
	}},
	{"selinux", true, func(g *podGen, c *genCase) string {
		o := &corev1.SELinuxOptions{Type: pickOne(g, seLinuxTypes...)}
		switch g.pick(4) {
		case 0:
			o.User = "system_u"
		case 1:
			o.Role = "system_r"
		case 2:
			o.Level = "s0:c123,c456"
		}
		if g.chance(0.5) {
			podSC(c).SELinuxOptions = o
			return fmt.Sprintf("pod=%+v", *o)
		}
		ctr := g.anyContainer(c)
		sc(ctr).SELinuxOptions = o
		return fmt.Sprintf("%s=%+v", ctr.Name, *o)
	}},
	{"procMount", true, func(g *podGen, c *genCase) string {
		ctr := g.anyContainer(c)
		if g.chance(0.3) {
			sc(ctr).ProcMount = ptr(corev1.DefaultProcMount)
			return ctr.Name + "=Default"
		}
		// Unmasked is only valid in a user namespace.
		sc(ctr).ProcMount = ptr(corev1.UnmaskedProcMount)
		c.spec.HostUsers = ptr(false)
		return ctr.Name + "=Unmasked"
	}},
	{"hostUsers-false", true, func(g *podGen, c *genCase) string { c.spec.HostUsers = ptr(false); return "" }},
	{"sysctls", true, func(g *podGen, c *genCase) string {
		var names []string
		for n := 1 + g.pick(2); len(names) < n; {
			s := pickOne(g, safeSysctls...)
			if g.chance(0.35) {
				s = pickOne(g, unsafeSysctls...)
			}
			if !slices.Contains(names, s) {
				names = append(names, s)
			}
		}
		p := podSC(c)
		for _, n := range names {
			p.Sysctls = append(p.Sysctls, corev1.Sysctl{Name: n, Value: "1"})
		}
		return strings.Join(names, ",")
	}},
	{"hostPort", false, func(g *podGen, c *genCase) string {
		ctr := &c.spec.Containers[g.pick(len(c.spec.Containers))]
		port := int32(8000 + len(ctr.Ports) + 10*slices.IndexFunc(c.spec.Containers, func(x corev1.Container) bool { return x.Name == ctr.Name }))
		p := corev1.ContainerPort{ContainerPort: port}
		if g.chance(0.7) {
			p.HostPort = port // equal, so that it stays valid with hostNetwork
		}
		ctr.Ports = append(ctr.Ports, p)
		return fmt.Sprintf("%s:%d->%d", ctr.Name, p.HostPort, port)
	}},
	{"hostPath", false, func(g *podGen, c *genCase) string {
		p := pickOne(g, hostPaths...)
		c.spec.Volumes = append(c.spec.Volumes, corev1.Volume{Name: fmt.Sprintf("host-%d", len(c.spec.Volumes)),
			VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: p}}})
		return p
	}},
	{"volume", false, func(g *podGen, c *genCase) string {
		v := pickOne(g, volumeSources...)
		c.spec.Volumes = append(c.spec.Volumes, corev1.Volume{Name: fmt.Sprintf("vol-%d", len(c.spec.Volumes)), VolumeSource: v.src()})
		return v.name
	}},
	{"host-probe-or-lifecycle", false, func(g *podGen, c *genCase) string {
		ctr := &c.spec.Containers[g.pick(len(c.spec.Containers))]
		host := pickOne(g, "", "example.com", "127.0.0.1")
		switch g.pick(4) {
		case 0:
			ctr.LivenessProbe = &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Host: host, Port: intstr.FromInt32(8080)}}}
			return ctr.Name + " liveness httpGet host=" + host
		case 1:
			ctr.ReadinessProbe = &corev1.Probe{ProbeHandler: corev1.ProbeHandler{TCPSocket: &corev1.TCPSocketAction{Host: host, Port: intstr.FromInt32(8080)}}}
			return ctr.Name + " readiness tcpSocket host=" + host
		case 2:
			ctr.Lifecycle = &corev1.Lifecycle{PostStart: &corev1.LifecycleHandler{HTTPGet: &corev1.HTTPGetAction{Host: host, Port: intstr.FromInt32(8080)}}}
			return ctr.Name + " postStart httpGet host=" + host
		default:
			ctr.StartupProbe = &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Port: intstr.FromInt32(8080)}}}
			return ctr.Name + " startup httpGet"
		}
	}},
	{"windows-hostProcess", false, func(g *podGen, c *genCase) string {
		// hostProcess needs hostNetwork, and every container a host process.
		if !c.windows() && g.chance(0.5) {
			return "skipped on a linux pod"
		}
		c.spec.HostNetwork = true
		hp := g.chance(0.8)
		if g.chance(0.5) {
			podSC(c).WindowsOptions = &corev1.WindowsSecurityContextOptions{HostProcess: ptr(hp)}
			return fmt.Sprintf("pod=%v", hp)
		}
		g.eachContainer(c, func(ctr *corev1.Container) {
			sc(ctr).WindowsOptions = &corev1.WindowsSecurityContextOptions{HostProcess: ptr(hp)}
		})
		return fmt.Sprintf("containers=%v", hp)
	}},
	{"runtimeClass", false, func(g *podGen, c *genCase) string {
		// Exempt from PodSecurity where the admission configuration says so.
		c.spec.RuntimeClassName = ptr(exemptRuntimeClass)
		return exemptRuntimeClass
	}},
	{"windows-runAsUserName", false, func(g *podGen, c *genCase) string {
		ctr := g.anyContainer(c)
		sc(ctr).WindowsOptions = &corev1.WindowsSecurityContextOptions{RunAsUserName: ptr("ContainerUser")}
		if !c.windows() {
			return ctr.Name + " (linux pod)"
		}
		return ctr.Name
	}},
}

// exemptRuntimeClass is a runtime class the configured cluster's PodSecurity exempts.
const exemptRuntimeClass = "kata"

func seccompField(annotation string) *corev1.SeccompProfile {
	switch {
	case annotation == "runtime/default":
		return &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}
	case annotation == "unconfined":
		return &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeUnconfined}
	default:
		return &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeLocalhost, LocalhostProfile: ptr(strings.TrimPrefix(annotation, "localhost/"))}
	}
}

// volumeSources are volume types the restricted level allows and some it does not.
var volumeSources = []struct {
	name string
	src  func() corev1.VolumeSource
}{
	{"configMap", func() corev1.VolumeSource {
		return corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: "cm"}}}
	}},
	{"secret", func() corev1.VolumeSource {
		return corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: "s"}}
	}},
	{"emptyDir", func() corev1.VolumeSource { return corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}} }},
	{"downwardAPI", func() corev1.VolumeSource {
		return corev1.VolumeSource{DownwardAPI: &corev1.DownwardAPIVolumeSource{Items: []corev1.DownwardAPIVolumeFile{{
			Path: "labels", FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.labels"}}}}}
	}},
	{"projected", func() corev1.VolumeSource {
		return corev1.VolumeSource{Projected: &corev1.ProjectedVolumeSource{Sources: []corev1.VolumeProjection{{
			ServiceAccountToken: &corev1.ServiceAccountTokenProjection{Path: "token"}}}}}
	}},
	{"persistentVolumeClaim", func() corev1.VolumeSource {
		return corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: "data"}}
	}},
	{"ephemeral", func() corev1.VolumeSource {
		return corev1.VolumeSource{Ephemeral: &corev1.EphemeralVolumeSource{VolumeClaimTemplate: &corev1.PersistentVolumeClaimTemplate{
			Spec: corev1.PersistentVolumeClaimSpec{
				AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
				Resources:   corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("1Gi")}},
			}}}}
	}},
	{"csi", func() corev1.VolumeSource {
		return corev1.VolumeSource{CSI: &corev1.CSIVolumeSource{Driver: "inline.storage.example.com"}}
	}},
	{"nfs", func() corev1.VolumeSource {
		return corev1.VolumeSource{NFS: &corev1.NFSVolumeSource{Server: "nfs.example.com", Path: "/exports"}}
	}},
	{"iscsi", func() corev1.VolumeSource {
		return corev1.VolumeSource{ISCSI: &corev1.ISCSIVolumeSource{TargetPortal: "10.0.0.1:3260", IQN: "iqn.2001-04.com.example:storage", Lun: 0}}
	}},
	{"cephfs", func() corev1.VolumeSource {
		return corev1.VolumeSource{CephFS: &corev1.CephFSVolumeSource{Monitors: []string{"10.0.0.1:6789"}}}
	}},
	{"fc", func() corev1.VolumeSource {
		return corev1.VolumeSource{FC: &corev1.FCVolumeSource{TargetWWNs: []string{"500a0982991b8dc5"}, Lun: ptr(int32(0))}}
	}},
	{"flexVolume", func() corev1.VolumeSource {
		return corev1.VolumeSource{FlexVolume: &corev1.FlexVolumeSource{Driver: "example/flex"}}
	}},
	{"azureFile", func() corev1.VolumeSource {
		return corev1.VolumeSource{AzureFile: &corev1.AzureFileVolumeSource{SecretName: "az", ShareName: "share"}}
	}},
	{"gitRepo", func() corev1.VolumeSource {
		return corev1.VolumeSource{GitRepo: &corev1.GitRepoVolumeSource{Repository: "https://example.com/repo.git"}}
	}},
	{"image", func() corev1.VolumeSource {
		return corev1.VolumeSource{Image: &corev1.ImageVolumeSource{Reference: "registry.example/data:1", PullPolicy: corev1.PullIfNotPresent}}
	}},
}

// generate returns case i: one trap chosen round-robin and up to three at random.
func (g *podGen) generate(i int) *genCase {
	c := g.base(fmt.Sprintf("g%04d", i))
	chosen := []int{i % len(traps)}
	for n := g.pick(4); n > 0; n-- {
		chosen = append(chosen, g.pick(len(traps)))
	}
	for _, t := range chosen {
		tr := traps[t]
		if tr.linux && c.windows() {
			continue // the API server refuses Linux fields on a Windows pod
		}
		desc := tr.apply(g, c)
		if desc != "" {
			c.traps = append(c.traps, tr.name+"("+desc+")")
		} else {
			c.traps = append(c.traps, tr.name)
		}
	}
	g.fixup(c)
	return c
}

// fixup resolves combinations the API server's validation refuses, so that most cases reach
// admission. Each resolution is recorded.
func (g *podGen) fixup(c *genCase) {
	note := func(s string) { c.traps = append(c.traps, "fixup:"+s) }
	if c.spec.HostUsers != nil && !*c.spec.HostUsers {
		if c.spec.HostNetwork || c.spec.HostPID || c.spec.HostIPC {
			c.spec.HostNetwork, c.spec.HostPID, c.spec.HostIPC = false, false, false
			note("no host namespaces with hostUsers=false")
		}
	}
	g.eachContainer(c, func(ctr *corev1.Container) {
		s := ctr.SecurityContext
		if s == nil || s.AllowPrivilegeEscalation == nil || *s.AllowPrivilegeEscalation {
			return
		}
		sysAdmin := s.Capabilities != nil && slices.Contains(s.Capabilities.Add, "SYS_ADMIN")
		if (s.Privileged != nil && *s.Privileged) || sysAdmin {
			s.AllowPrivilegeEscalation = nil
			note(ctr.Name + " allowPrivilegeEscalation unset beside privileged")
		}
	})
	// A Unmasked procMount outside a user namespace is invalid: hostUsers may have been reset
	// by a later trap.
	if c.spec.HostUsers == nil || *c.spec.HostUsers {
		g.eachContainer(c, func(ctr *corev1.Container) {
			if s := ctr.SecurityContext; s != nil && s.ProcMount != nil && *s.ProcMount == corev1.UnmaskedProcMount {
				c.spec.HostUsers = ptr(false)
				c.spec.HostNetwork, c.spec.HostPID, c.spec.HostIPC = false, false, false
				note("hostUsers=false for Unmasked")
			}
		})
	}
	// Namespaced sysctls cannot be set while sharing that namespace with the host.
	if s := c.spec.SecurityContext; s != nil && len(s.Sysctls) > 0 && (c.spec.HostNetwork || c.spec.HostIPC) {
		s.Sysctls = slices.DeleteFunc(s.Sysctls, func(x corev1.Sysctl) bool {
			return (c.spec.HostNetwork && strings.HasPrefix(x.Name, "net.")) ||
				(c.spec.HostIPC && (strings.HasPrefix(x.Name, "kernel.shm") || strings.HasPrefix(x.Name, "kernel.msg") || x.Name == "kernel.sem"))
		})
		note("no namespaced sysctls of a host namespace")
	}
}

// ephemeral returns an ephemeral container with a security context made of traps that apply
// to it (ephemeral containers have no ports, probes or lifecycle).
func (g *podGen) ephemeral(i int) (corev1.EphemeralContainer, []string) {
	ctr := container("debug")
	var desc []string
	switch i % 8 {
	case 0:
		desc = append(desc, "no securityContext")
	case 1:
		ctr.SecurityContext = g.restrictedSC()
		desc = append(desc, "restricted")
	case 2:
		ctr.SecurityContext = &corev1.SecurityContext{Privileged: ptr(true)}
		desc = append(desc, "privileged")
	case 3:
		ctr.SecurityContext = g.restrictedSC()
		ctr.SecurityContext.Capabilities.Add = []corev1.Capability{pickOne(g, append(slices.Clone(baselineCaps), otherCaps...)...)}
		desc = append(desc, fmt.Sprintf("restricted + add %v", ctr.SecurityContext.Capabilities.Add))
	case 4:
		ctr.SecurityContext = g.restrictedSC()
		ctr.SecurityContext.Capabilities.Drop = []corev1.Capability{"all"}
		desc = append(desc, "restricted but drop all (lowercase)")
	case 5:
		ctr.SecurityContext = g.restrictedSC()
		ctr.SecurityContext.SeccompProfile = &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeUnconfined}
		desc = append(desc, "restricted but seccomp Unconfined")
	case 6:
		ctr.SecurityContext = g.restrictedSC()
		ctr.SecurityContext.RunAsUser = ptr(int64(0))
		ctr.SecurityContext.RunAsNonRoot = nil
		desc = append(desc, "restricted but runAsUser 0")
	default:
		ctr.SecurityContext = &corev1.SecurityContext{
			SELinuxOptions:  &corev1.SELinuxOptions{Type: pickOne(g, seLinuxTypes...)},
			AppArmorProfile: &corev1.AppArmorProfile{Type: pickOne(g, corev1.AppArmorProfileTypeRuntimeDefault, corev1.AppArmorProfileTypeUnconfined)},
		}
		desc = append(desc, fmt.Sprintf("seLinux %q, appArmor %s", ctr.SecurityContext.SELinuxOptions.Type, ctr.SecurityContext.AppArmorProfile.Type))
	}
	return corev1.EphemeralContainer{EphemeralContainerCommon: corev1.EphemeralContainerCommon(ctr), TargetContainerName: "app"}, desc
}
