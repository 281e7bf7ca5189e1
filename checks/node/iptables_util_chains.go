/*
The kubelet must manage its iptables utility chains.

Source: CIS Kubernetes Benchmark 1.12, 4.2.6. Default from k8s.io/kubernetes@v1.37.2
pkg/kubelet/apis/config/v1beta1/defaults.go: true (for config-file and flag-only kubelets).

Reads: makeIPTablesUtilChains (configz, or the node agent's effective value; *bool).

Allowed values: true. false fails; absent (nil) is NOT_EVALUATED.
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
			ID:       "KP-NODE-006",
			Title:    "Kubelet manages its iptables utility chains",
			Layer:    checks.Node,
			Severity: checks.Low,
			Description: "With makeIPTablesUtilChains the kubelet keeps the iptables chains it relies on in " +
				"place, so that node networking stays consistent with pod networking requirements.",
			Remediation: "Remove --make-iptables-util-chains=false from the kubelet's service unit and " +
				"makeIPTablesUtilChains: false from its config file; then restart the kubelet.",
			References: checks.References{CIS: []string{"4.2.6"}},
		},
		Inputs:   inputs,
		Evaluate: iptablesUtilChains,
	})
}

func iptablesUtilChains(snap *snapshot.Snapshot) []checks.Result {
	return eachKubelet(snap, "makeIPTablesUtilChains", func(cfg *kubeletv1beta1.KubeletConfiguration, ev checks.Evidence) checks.Result {
		ev.Expected = "true"
		if cfg.MakeIPTablesUtilChains == nil {
			return notReported(ev)
		}
		ev.Observed = strconv.FormatBool(*cfg.MakeIPTablesUtilChains)
		return verdict(*cfg.MakeIPTablesUtilChains, ev)
	})
}
