/*
The kubelet must refuse to run on a kernel whose tunables differ from what it expects,
instead of silently changing them.

Source: CIS Kubernetes Benchmark 1.8 to 1.10 (4.2.6 there); CIS 1.12 dropped it, so it carries
no CIS 1.12 id and is in no framework selection but "all". Default from
k8s.io/kubernetes@v1.37.2: false (pkg/kubelet/apis/config/v1beta1/defaults.go leaves it at its
zero value; --protect-kernel-defaults in cmd/kubelet/app/options/options.go).

Reads: protectKernelDefaults (configz, or the node agent's effective value; bool, omitempty).

Allowed values: true. false, or absent (false), fails.
*/

package node

import (
	"strconv"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
	kubeletv1beta1 "k8s.io/kubelet/config/v1beta1"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:       "KP-NODE-015",
			Title:    "Kubelet protects kernel defaults",
			Layer:    checks.Node,
			Severity: checks.Low,
			Description: "With protectKernelDefaults the kubelet fails to start when kernel tunables (vm.overcommit, " +
				"panic settings) differ from its expectations, rather than changing them behind the node " +
				"administrator's hardening.",
			Remediation: "Set the kernel parameters the kubelet expects (vm.overcommit_memory=1, vm.panic_on_oom=0, " +
				"kernel.panic=10, kernel.panic_on_oops=1) in /etc/sysctl.d, then set protectKernelDefaults: true " +
				"in the kubelet config file (or --protect-kernel-defaults) and restart the kubelet.",
		},
		Inputs:   inputs,
		Evaluate: protectKernelDefaults,
	})
}

func protectKernelDefaults(snap *snapshot.Snapshot) []checks.Result {
	return eachKubelet(snap, "protectKernelDefaults", func(cfg *kubeletv1beta1.KubeletConfiguration, ev checks.Evidence) checks.Result {
		ev.Expected = "true"
		ev.Observed = strconv.FormatBool(cfg.ProtectKernelDefaults)
		return verdict(cfg.ProtectKernelDefaults, ev)
	})
}
