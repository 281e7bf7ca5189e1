/*
The kubelet's read-only port, which serves without authentication or authorization, must be
disabled.

Source: CIS Kubernetes Benchmark 1.12, 4.2.4. Defaults from k8s.io/kubelet
config/v1beta1/types.go (config file: 0, disabled) and k8s.io/kubernetes
cmd/kubelet/app/options/options.go applyLegacyDefaults (flag-only kubelet: 10255); the
effective value is what configz reports, so neither default is applied here.

Reads: configz readOnlyPort (KubeletConfiguration v1beta1, int32).

Allowed values: 0. The field is an int32 with omitempty, so an effective configuration that
omits it has it at 0, and omission passes: unlike the pointer fields, it cannot be "not
reported". Any other value fails.
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
			ID:       "KP-NODE-003",
			Title:    "Kubelet read-only port is disabled",
			Layer:    checks.Node,
			Severity: checks.High,
			Description: "The read-only port (10255 when enabled) serves pod specs, node metrics and health " +
				"with no authentication or authorization, to anyone who can reach the node.",
			Remediation: "Set readOnlyPort: 0 in the kubelet config file (/var/lib/kubelet/config.yaml on kubeadm " +
				"nodes) and remove any --read-only-port flag other than 0 from the kubelet's service unit " +
				"(flags override the file); then restart the kubelet.",
			References: checks.References{CIS: []string{"4.2.4"}},
		},
		Inputs:   inputs,
		Evaluate: readOnlyPort,
	})
}

func readOnlyPort(snap *snapshot.Snapshot) []checks.Result {
	return eachKubelet(snap, "readOnlyPort", func(cfg *kubeletv1beta1.KubeletConfiguration, ev checks.Evidence) checks.Result {
		ev.Expected = "0 (disabled)"
		if cfg.ReadOnlyPort == 0 {
			ev.Observed = "0 (disabled; configz omits the field when 0)"
			return verdict(true, ev)
		}
		ev.Observed = strconv.Itoa(int(cfg.ReadOnlyPort))
		return verdict(false, ev)
	})
}
