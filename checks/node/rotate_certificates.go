/*
The kubelet must rotate its client certificate.

Source: CIS Kubernetes Benchmark 1.12, 4.2.10. Default from k8s.io/kubernetes@v1.37.2:
pkg/kubelet/apis/config/v1beta1/defaults.go leaves rotateCertificates at false (kubeadm's
config file sets it true), so an absent field is a failure, not a pass as kube-bench has it.

Reads: rotateCertificates (configz, or the node agent's effective value; bool, omitempty).

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
			ID:       "KP-NODE-010",
			Title:    "Kubelet rotates its client certificate",
			Layer:    checks.Node,
			Severity: checks.Medium,
			Description: "Without rotation the kubelet's client certificate is used until it expires, and a " +
				"leaked one stays valid for its whole life; an expired one takes the node out of the cluster.",
			Remediation: "Set rotateCertificates: true in the kubelet config file (or --rotate-certificates) and " +
				"remove any --rotate-certificates=false; then restart the kubelet.",
			References: checks.References{CIS: []string{"4.2.10"}},
		},
		Inputs:   inputs,
		Evaluate: rotateCertificates,
	})
}

func rotateCertificates(snap *snapshot.Snapshot) []checks.Result {
	return eachKubelet(snap, "rotateCertificates", func(cfg *kubeletv1beta1.KubeletConfiguration, ev checks.Evidence) checks.Result {
		ev.Expected = "true"
		ev.Observed = strconv.FormatBool(cfg.RotateCertificates)
		if !cfg.RotateCertificates {
			ev.Observed += " (false is the default)"
		}
		return verdict(cfg.RotateCertificates, ev)
	})
}
