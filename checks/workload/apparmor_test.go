package workload

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func osNode(name, osImage string) corev1.Node {
	n := corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name}}
	n.Status.NodeInfo.OperatingSystem, n.Status.NodeInfo.OSImage = "linux", osImage
	return n
}

func TestAppArmorProfile(t *testing.T) {
	aa := func(typ corev1.AppArmorProfileType) *corev1.AppArmorProfile {
		p := &corev1.AppArmorProfile{Type: typ}
		if typ == corev1.AppArmorProfileTypeLocalhost {
			p.LocalhostProfile = ptr("k8s-deny-write")
		}
		return p
	}
	for _, tc := range []struct {
		name string
		meta *metav1.ObjectMeta
		spec corev1.PodSpec
		want checks.Status
	}{
		{"pod RuntimeDefault", nil, with(func(s *corev1.PodSpec) {
			s.SecurityContext = &corev1.PodSecurityContext{AppArmorProfile: aa(corev1.AppArmorProfileTypeRuntimeDefault)}
		}), checks.Pass},
		{"container Localhost", nil, with(func(s *corev1.PodSpec) {
			s.Containers[0].SecurityContext.AppArmorProfile = aa(corev1.AppArmorProfileTypeLocalhost)
		}), checks.Pass},
		{"none", nil, restrictedSpec(), checks.Warn},
		{"container Unconfined over pod RuntimeDefault", nil, with(func(s *corev1.PodSpec) {
			s.SecurityContext = &corev1.PodSecurityContext{AppArmorProfile: aa(corev1.AppArmorProfileTypeRuntimeDefault)}
			s.Containers[0].SecurityContext.AppArmorProfile = aa(corev1.AppArmorProfileTypeUnconfined)
		}), checks.Fail},
		{"legacy annotation runtime/default", &metav1.ObjectMeta{Annotations: map[string]string{legacyAppArmorPrefix + "app": "runtime/default"}}, restrictedSpec(), checks.Pass},
		{"legacy annotation unconfined", &metav1.ObjectMeta{Annotations: map[string]string{legacyAppArmorPrefix + "app": "unconfined"}}, restrictedSpec(), checks.Fail},
		{"a privileged container is KP-WL-008's (the workload: NOT_APPLICABLE, TestAppArmorPrivileged)", nil, with(func(s *corev1.PodSpec) { s.Containers[0].SecurityContext.Privileged = ptr(true) }), checks.Pass},
		{"windows", nil, with(func(s *corev1.PodSpec) { s.OS = &corev1.PodOS{Name: corev1.Windows} }), checks.Pass},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got, msg := appArmorProfile(tc.meta, &tc.spec); got != tc.want {
				t.Errorf("%s (%s), want %s", got, msg, tc.want)
			}
		})
	}
}

func TestAppArmorNodes(t *testing.T) {
	scheduled := func(node string) corev1.PodSpec {
		s := restrictedSpec()
		s.NodeName = node
		return s
	}
	for _, tc := range []struct {
		name  string
		nodes []corev1.Node
		pods  []corev1.PodSpec
		want  checks.Status
	}{
		{"ubuntu node", []corev1.Node{osNode("u", "Ubuntu 24.04.1 LTS")}, []corev1.PodSpec{scheduled("u")}, checks.Warn},
		{"rhel node", []corev1.Node{osNode("r", "Red Hat Enterprise Linux CoreOS 9.6"), osNode("u", "Ubuntu 24.04.1 LTS")}, []corev1.PodSpec{scheduled("r")}, checks.NotApplicable},
		{"no pods, an AppArmor node in the cluster", []corev1.Node{osNode("r", "Amazon Linux 2023"), osNode("c", "Container-Optimized OS from Google")}, nil, checks.Warn},
		{"no pods, no AppArmor node", []corev1.Node{osNode("b", "Bottlerocket OS 1.30.0 (aws-k8s-1.33)")}, nil, checks.NotApplicable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := collected()
			s.Nodes = tc.nodes
			s.Resources[snapshot.ResNodes] = snapshot.Collection{State: snapshot.Collected}
			addDeployment(s, "shop", "web", restrictedSpec(), tc.pods...)
			expect(t, appArmor(s), []want{{res: res("Deployment", "shop", "web"), status: tc.want}})
		})
	}
}

// A workload whose every container is privileged has nothing for a profile to confine: no
// verdict here (KP-WL-008 fails it), where a PASS would say it is confined.
func TestAppArmorPrivileged(t *testing.T) {
	priv := restrictedSpec()
	priv.Containers[0].SecurityContext.Privileged = ptr(true)
	onNode := *priv.DeepCopy()
	onNode.NodeName = "u"
	s := collected()
	s.Nodes = []corev1.Node{osNode("u", "Ubuntu 24.04.1 LTS")}
	s.Resources[snapshot.ResNodes] = snapshot.Collection{State: snapshot.Collected}
	addDeployment(s, "legacy", "admin-tool", priv, onNode)
	expect(t, appArmor(s), []want{{res: res("Deployment", "legacy", "admin-tool"), status: checks.NotApplicable}})
}
