/*
KP-WL-001: pods meet the Pod Security Standards baseline level.

Source: Pod Security Standards, baseline level
(https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline), evaluated
by k8s.io/pod-security-admission/policy at the latest policy version, the code of the
PodSecurity admission plugin. The control decides the level, and claims only it: a pod
fails for any of the level's checks, and the CIS recommendations and NSA/CISA areas among them
each have a control that says exactly what the item says (KP-WL-008 to KP-WL-019, KP-WL-027;
docs/crosswalk.md), one verdict per item.

Unit: each top-level workload (see workloads.go); its pod template and each of its pods are
evaluated, and the workload fails if any of them is forbidden.

Restricted fields and allowed values (upstream checks with level baseline):

	spec.hostNetwork, spec.hostPID, spec.hostIPC: undefined, false
	containers[*].securityContext.privileged: undefined, false
	containers[*].securityContext.capabilities.add: the default set only (AUDIT_WRITE, CHOWN,
	    DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP,
	    SETUID, SYS_CHROOT)
	spec.volumes[*].hostPath: undefined
	containers[*].ports[*].hostPort: undefined, 0
	containers[*] probes and lifecycle handlers httpGet.host, tcpSocket.host: undefined, ""
	AppArmor (annotations and appArmorProfile.type): runtime/default, localhost/*, undefined
	seLinuxOptions.type: container_t, container_init_t, container_kvm_t, container_engine_t,
	    undefined; seLinuxOptions.user and .role: undefined
	seccompProfile.type (pod and containers): RuntimeDefault, Localhost, undefined
	containers[*].securityContext.procMount: Default, undefined (any with hostUsers: false)
	spec.securityContext.sysctls[*].name: the safe set
	windowsOptions.hostProcess (pod and containers): undefined, false

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
			ID:       "KP-WL-001",
			Title:    "Pods meet the Pod Security Standards baseline level",
			Layer:    checks.Workload,
			Severity: checks.High,
			Description: "The baseline Pod Security Standard forbids the known privilege escalations: " +
				"privileged containers, host namespaces, hostPath volumes, host ports, added " +
				"capabilities and weakened seccomp, AppArmor or SELinux. A pod that breaks it can " +
				"usually take over its node.",
			Remediation: "Fix the fields named in the evidence (in the pod template; for pods that differ " +
				"from their template, in the mutating webhook that changed them), then enforce the " +
				"level: label each namespace pod-security.kubernetes.io/enforce=baseline " +
				"(kubectl label ns NAME pod-security.kubernetes.io/enforce=baseline).",
			References: checks.References{
				PSS:      pssIDs(api.LevelBaseline),
				PSSLevel: "baseline",
			},
		},
		Inputs:   inputs,
		Evaluate: pssBaseline,
	})
}

func pssBaseline(s *snapshot.Snapshot) []checks.Result {
	return evaluatePSS(s, api.LevelBaseline)
}
