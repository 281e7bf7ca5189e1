package node

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func infoNode(mutate func(*corev1.NodeSystemInfo)) corev1.Node {
	n := nodeObj("n", "v1.34.1", "")
	n.Status.NodeInfo.OperatingSystem = "linux"
	mutate(&n.Status.NodeInfo)
	return n
}

func TestPatchLevel(t *testing.T) {
	rt := func(v string) corev1.Node {
		return infoNode(func(i *corev1.NodeSystemInfo) { i.ContainerRuntimeVersion = v })
	}
	kernel := func(v, os string) corev1.Node {
		return infoNode(func(i *corev1.NodeSystemInfo) { i.KernelVersion, i.OSImage = v, os })
	}
	osImg := func(v string) corev1.Node { return infoNode(func(i *corev1.NodeSystemInfo) { i.OSImage = v }) }
	for _, tc := range []struct {
		name string
		eval func(*snapshot.Snapshot) []checks.Result
		node corev1.Node
		want checks.Status
	}{
		{"containerd 1.7.12 (runc 1.1.11)", runtimeEscape, rt("containerd://1.7.12"), checks.Fail},
		{"containerd 1.7.13", runtimeEscape, rt("containerd://1.7.13"), checks.Pass},
		{"containerd 1.6.27", runtimeEscape, rt("containerd://1.6.27"), checks.Fail},
		{"containerd 1.6.28", runtimeEscape, rt("containerd://1.6.28"), checks.Pass},
		{"containerd 2.0.0", runtimeEscape, rt("containerd://2.0.0"), checks.Pass},
		{"containerd 1.2.3 (CVE-2019-5736 too)", runtimeEscape, rt("containerd://1.2.3"), checks.Fail},
		{"cri-o 1.28.2", runtimeEscape, rt("cri-o://1.28.2"), checks.Fail},
		{"cri-o 1.29.1", runtimeEscape, rt("cri-o://1.29.1"), checks.Pass},
		{"docker 25.0.1", runtimeEscape, rt("docker://25.0.1"), checks.Fail},
		{"unknown runtime", runtimeEscape, rt("frakti://1.0.0"), checks.NotEvaluated},
		{"no scheme", runtimeEscape, rt("1.7.12"), checks.NotEvaluated},

		{"dirty pipe 5.10.101", kernelEscape, kernel("5.10.101", "Bottlerocket OS 1.12.0"), checks.Fail},
		{"5.10.102 but 0185 fixed at 5.10.93", kernelEscape, kernel("5.10.102", "Bottlerocket OS 1.12.0"), checks.Pass},
		{"5.15.24", kernelEscape, kernel("5.15.24", "Flatcar"), checks.Fail},
		{"amazon linux upstream-versioned", kernelEscape, kernel("5.10.205-195.807.amzn2.x86_64", "Amazon Linux 2"), checks.Pass},
		{"cos 6.1.58+", kernelEscape, kernel("6.1.58+", "Container-Optimized OS from Google"), checks.Pass},
		{"4.19 predates both", kernelEscape, kernel("4.19.300", "Debian"), checks.Pass},
		{"ubuntu distro kernel", kernelEscape, kernel("5.15.0-91-generic", "Ubuntu 22.04.3 LTS"), checks.NotEvaluated},
		{"rhel distro kernel", kernelEscape, kernel("5.14.0-427.13.1.el9_4.x86_64", "Red Hat Enterprise Linux 9.4"), checks.NotEvaluated},

		{"ubuntu 20.04 past standard support", osEndOfLife, osImg("Ubuntu 20.04.6 LTS"), checks.Fail},
		{"ubuntu 24.04", osEndOfLife, osImg("Ubuntu 24.04.1 LTS"), checks.Pass},
		{"amazon linux 2023 is not amazon linux 2", osEndOfLife, osImg("Amazon Linux 2023.6.20241212"), checks.Pass},
		{"amazon linux 2", osEndOfLife, osImg("Amazon Linux 2"), checks.Fail},
		{"centos 7", osEndOfLife, osImg("CentOS Linux 7 (Core)"), checks.Fail},
		{"debian 12", osEndOfLife, osImg("Debian GNU/Linux 12 (bookworm)"), checks.Pass},
		{"debian 7, what kubemark's hollow nodes report", osEndOfLife, osImg("Debian GNU/Linux 7 (wheezy)"), checks.Fail},
		{"debian 1x is not debian 1", osEndOfLife, osImg("Debian GNU/Linux 13 (trixie)"), checks.Pass},
		{"rolling image", osEndOfLife, osImg("Container-Optimized OS from Google"), checks.NotEvaluated},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := nodesSnap("v1.34.1", tc.node)
			s.CollectedAt = time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
			rs := tc.eval(s)
			if len(rs) != 1 || rs[0].Status != tc.want {
				t.Errorf("got %+v, want %s", rs, tc.want)
			}
		})
	}
}

func TestOSEndOfLifeJudgedAtCollection(t *testing.T) {
	s := nodesSnap("v1.34.1", infoNode(func(i *corev1.NodeSystemInfo) { i.OSImage = "Ubuntu 20.04.6 LTS" }))
	s.CollectedAt = time.Date(2025, 1, 10, 0, 0, 0, 0, time.UTC)
	if rs := osEndOfLife(s); rs[0].Status != checks.Pass {
		t.Errorf("collected before the end of support: %s, want PASS", rs[0].Status)
	}
}
