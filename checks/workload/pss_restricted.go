/*
KP-WL-002: pods meet the Pod Security Standards restricted level.

Source: Pod Security Standards, restricted level
(https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted), evaluated
by k8s.io/pod-security-admission/policy at the latest policy version. The level includes
every baseline check that no restricted check overrides, so a workload failing KP-WL-001
fails this one too. The control decides the level, and claims only it: the CIS
recommendations and NSA/CISA areas it touches ask for something else in places (CIS 5.2.7
accepts a runAsUser > 0 without runAsNonRoot; 5.2.9 accepts no NET_BIND_SERVICE; 5.6.2 names
the runtime's default profile only) and each has a control of its own (KP-WL-012 to KP-WL-015,
KP-WL-019, KP-WL-029; docs/crosswalk.md).

Unit: each top-level workload (see workloads.go), template and pods, as in KP-WL-001.

Restricted fields and allowed values (upstream checks with level restricted), in addition to
the baseline ones:

	containers[*].securityContext.allowPrivilegeEscalation: false (unset fails: the kernel
	    default allows escalation); Windows pods exempt
	containers[*].securityContext.capabilities.drop: must contain "ALL";
	    .add: undefined or NET_BIND_SERVICE only; Windows pods exempt
	runAsNonRoot: true at pod level (containers may leave it unset) or on every container;
	    an explicit false anywhere fails; not required with hostUsers: false
	runAsUser (pod and containers): not 0 (any with hostUsers: false)
	seccompProfile.type: RuntimeDefault or Localhost, at pod level or on every container
	spec.volumes[*]: only configMap, csi, downwardAPI, emptyDir, ephemeral, image,
	    persistentVolumeClaim, projected, secret
	containers[*].securityContext.procMount: Default, undefined

containers[*] means containers, initContainers and ephemeralContainers.
*/

package workload

import (
	"k8s.io/pod-security-admission/api"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:       "KP-WL-002",
			Title:    "Pods meet the Pod Security Standards restricted level",
			Layer:    checks.Workload,
			Severity: checks.Medium,
			Description: "The restricted Pod Security Standard is current pod-hardening practice: " +
				"containers run as non-root, cannot gain privileges, drop all capabilities, use the " +
				"runtime's seccomp profile and only ordinary volume types. It limits what a " +
				"compromised container can do on its node.",
			Remediation: "Set in the pod template: spec.securityContext.runAsNonRoot=true and " +
				"seccompProfile.type=RuntimeDefault; on every container (init containers included) " +
				"securityContext.allowPrivilegeEscalation=false and capabilities.drop=[\"ALL\"]; then " +
				"label the namespace pod-security.kubernetes.io/enforce=restricted. Fix the other " +
				"fields named in the evidence.",
			References: checks.References{
				PSS:      pssIDs(api.LevelRestricted),
				PSSLevel: "restricted",
			},
		},
		Inputs:   inputs,
		Evaluate: pssRestricted,
	})
}

func pssRestricted(s *snapshot.Snapshot) []checks.Result {
	return evaluatePSS(s, api.LevelRestricted)
}
