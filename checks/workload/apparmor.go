/*
KP-WL-050: containers run under a declared AppArmor profile on nodes that enforce AppArmor.

Source: Kubernetes documentation, "Restrict a Container's Access to Resources with AppArmor"
(kubernetes.io/docs/tutorials/security/apparmor) and "Linux kernel security constraints for Pods
and containers": the profile is securityContext.appArmorProfile (type RuntimeDefault, Localhost
or Unconfined; GA in 1.30), of the container or else of the pod, or the deprecated annotation
container.apparmor.security.beta.kubernetes.io/<container> (runtime/default, localhost/<name>,
unconfined) that the API server still translates. The Pod Security baseline level forbids
Unconfined and unknown profiles but requires none; the talk behind issue 19 asks for a profile
per workload.

Decision: a container passes under RuntimeDefault or Localhost, fails under Unconfined, and is
a WARN with none declared: the container runtime then picks (containerd and CRI-O apply their
default profile to unprivileged containers on an AppArmor host), so the confinement is the
node's configuration, not the workload's, and a pod moved to another runtime runs unconfined
without a change to its spec. A privileged container is not confined by any profile:
KP-WL-008's finding, not repeated here.

Which nodes enforce AppArmor: the kubelet checks /sys/module/apparmor/parameters/enabled, which
the API does not expose (the Ready condition's "AppArmor enabled" note is gone from the kubelet
since before v1.37), so the node's OS decides, from status.nodeInfo.osImage and the
distribution's default security module (appArmorOS): Ubuntu, Debian, SUSE and Container-Optimized
OS enable AppArmor by default; RHEL and its rebuilds, Fedora, Amazon Linux, Bottlerocket,
Flatcar and Azure Linux use SELinux, where an AppArmor profile means nothing. A unit is judged
when one of its pods runs on an AppArmor node, or, with no pod scheduled, when a node of the
cluster is one; otherwise NOT_APPLICABLE. A Windows pod is NOT_APPLICABLE.

Seccomp: the issue asks for seccomp "where the namespace's level does not demand it". KP-WL-019
(CIS 5.6.2) already fails every container without a seccomp profile, whatever its namespace's
level, so this control does not judge seccomp again: one finding per missing profile.

Unit: each top-level workload (workloads.go), its template and pods.

	PASS            every container's effective profile is RuntimeDefault or Localhost
	WARN            a container declares no profile (the runtime's choice)
	FAIL            a container runs Unconfined
	NOT_APPLICABLE  the workload's nodes do not enforce AppArmor (SELinux, Windows, unknown OS), or
	                every container is privileged (no profile confines it: KP-WL-008)
*/

package workload

import (
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

// appArmorOS are the prefixes of osImage of distributions that enable AppArmor by default,
// each from its documentation (Ubuntu Server guide "AppArmor"; Debian wiki "AppArmor" (default
// since Debian 10); SUSE SLES 15 Security guide; cloud.google.com/container-optimized-os/docs
// "Security overview"). Reviewed 2026-12-07.
var appArmorOS = []string{"Ubuntu", "Debian GNU/Linux", "SUSE Linux Enterprise", "openSUSE", "Container-Optimized OS"}

// nodeEnforcesAppArmor reports whether n's OS enables AppArmor by default.
func nodeEnforcesAppArmor(n *corev1.Node) bool {
	if n.Status.NodeInfo.OperatingSystem != "" && n.Status.NodeInfo.OperatingSystem != "linux" {
		return false
	}
	return slices.ContainsFunc(appArmorOS, func(p string) bool { return strings.HasPrefix(n.Status.NodeInfo.OSImage, p) })
}

const legacyAppArmorPrefix = "container.apparmor.security.beta.kubernetes.io/"

// appArmorProfile grades one pod spec.
func appArmorProfile(meta *metav1.ObjectMeta, spec *corev1.PodSpec) (checks.Status, string) {
	if isWindows(spec) {
		return checks.Pass, "a Windows pod: no AppArmor"
	}
	var pod *corev1.AppArmorProfile
	if spec.SecurityContext != nil {
		pod = spec.SecurityContext.AppArmorProfile
	}
	var f containerFindings
	eachContainer(spec, func(kind string, c *corev1.Container) {
		if c.SecurityContext != nil && c.SecurityContext.Privileged != nil && *c.SecurityContext.Privileged {
			return // unconfined by privilege: KP-WL-008
		}
		typ := ""
		switch {
		case c.SecurityContext != nil && c.SecurityContext.AppArmorProfile != nil:
			typ = string(c.SecurityContext.AppArmorProfile.Type)
		case meta != nil && meta.Annotations[legacyAppArmorPrefix+c.Name] != "":
			switch v := meta.Annotations[legacyAppArmorPrefix+c.Name]; {
			case v == "runtime/default":
				typ = string(corev1.AppArmorProfileTypeRuntimeDefault)
			case strings.HasPrefix(v, "localhost/"):
				typ = string(corev1.AppArmorProfileTypeLocalhost)
			default:
				typ = v
			}
		case pod != nil:
			typ = string(pod.Type)
		}
		switch typ {
		case string(corev1.AppArmorProfileTypeRuntimeDefault), string(corev1.AppArmorProfileTypeLocalhost):
		case "":
			f.add(checks.Warn, kind, c, "declares no AppArmor profile (the container runtime's choice)")
		default:
			f.add(checks.Fail, kind, c, "runs with AppArmor profile "+typ)
		}
	})
	return f.grade()
}

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:       "KP-WL-050",
			Title:    "Containers declare an AppArmor profile on nodes that enforce AppArmor",
			Layer:    checks.Workload,
			Severity: checks.Low,
			Description: "AppArmor confines what a container's processes may read, write and mount, which container " +
				"escapes rely on. Pod Security forbids turning it off but does not require a profile: a container " +
				"that declares none gets whatever its node's runtime applies, and Unconfined gets nothing.",
			Remediation: "Set securityContext.appArmorProfile.type: RuntimeDefault in the pod template (or Localhost " +
				"with a profile loaded on every node, e.g. by the Security Profiles Operator); never Unconfined.",
		},
		Inputs:   append(slices.Clone(inputs), snapshot.ResNodes),
		Evaluate: appArmor,
	})
}

// allPrivileged reports whether every container of the unit's template and pods is
// privileged: nothing for an AppArmor profile to confine, so no verdict to give.
func allPrivileged(u *unit) bool {
	specs := make([]*corev1.PodSpec, 0, 1+len(u.pods))
	if u.template != nil {
		specs = append(specs, &u.template.Spec)
	}
	for _, p := range u.pods {
		specs = append(specs, &p.Spec)
	}
	all := len(specs) > 0
	for _, spec := range specs {
		eachContainer(spec, func(_ string, c *corev1.Container) {
			all = all && c.SecurityContext != nil && c.SecurityContext.Privileged != nil && *c.SecurityContext.Privileged
		})
	}
	return all
}

func appArmor(s *snapshot.Snapshot) []checks.Result {
	enforcing := map[string]bool{}
	some := false
	for i := range s.Nodes {
		if nodeEnforcesAppArmor(&s.Nodes[i]) {
			enforcing[s.Nodes[i].Name] = true
			some = true
		}
	}
	const ok, expected = "every container under RuntimeDefault or Localhost",
		"securityContext.appArmorProfile.type RuntimeDefault or Localhost for every container (pod level, or the container's own)"
	us := units(s)
	out := make([]checks.Result, 0, len(us))
	texts := unitTexts{}
	for i := range us {
		u := &us[i]
		applies, scheduled := false, false
		for _, p := range u.pods {
			if p.Spec.NodeName != "" {
				scheduled = true
				applies = applies || enforcing[p.Spec.NodeName]
			}
		}
		if !scheduled {
			applies = some
		}
		if !applies {
			out = append(out, checks.Result{Status: checks.NotApplicable, Resource: u.res, Evidence: checks.Evidence{Expected: expected, Where: u.where},
				Reason: "its nodes do not enforce AppArmor (their OS, status.nodeInfo.osImage, uses SELinux or is not known to enable AppArmor)"})
			continue
		}
		if allPrivileged(u) {
			out = append(out, checks.Result{Status: checks.NotApplicable, Resource: u.res, Evidence: checks.Evidence{Expected: expected, Where: u.where},
				Reason: "every container is privileged, which no AppArmor profile confines (KP-WL-008's finding)"})
			continue
		}
		out = append(out, u.gradedWith(texts, appArmorProfile, ok, expected))
	}
	return out
}
