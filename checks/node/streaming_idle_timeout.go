/*
Streaming connections (exec, attach, port-forward) to the kubelet must time out when idle.

Source: CIS Kubernetes Benchmark 1.12, 4.2.5. Default from k8s.io/kubernetes@v1.37.2
pkg/kubelet/apis/config/v1beta1/defaults.go: 4h when the field is zero, so a config file
cannot disable it; only --streaming-connection-idle-timeout=0 (cmd/kubelet/app/options,
parsed after defaulting) can.

Reads: streamingConnectionIdleTimeout (configz, or the node agent's effective value).

Allowed values: any duration above 0. 0 (no timeout) fails.
*/

package node

import (
	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
	kubeletv1beta1 "k8s.io/kubelet/config/v1beta1"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:       "KP-NODE-005",
			Title:    "Kubelet streaming connections time out when idle",
			Layer:    checks.Node,
			Severity: checks.Low,
			Description: "An idle exec, attach or port-forward stream that never times out holds a connection " +
				"open, and can exhaust the kubelet's resources.",
			Remediation: "Remove --streaming-connection-idle-timeout=0 from the kubelet's service unit, or set " +
				"streamingConnectionIdleTimeout (e.g. 5m) in the kubelet config file; then restart the kubelet.",
			References: checks.References{CIS: []string{"4.2.5"}},
		},
		Inputs:   inputs,
		Evaluate: streamingIdleTimeout,
	})
}

func streamingIdleTimeout(snap *snapshot.Snapshot) []checks.Result {
	return eachKubelet(snap, "streamingConnectionIdleTimeout", func(cfg *kubeletv1beta1.KubeletConfiguration, ev checks.Evidence) checks.Result {
		ev.Expected = "a duration above 0"
		d := cfg.StreamingConnectionIdleTimeout.Duration
		ev.Observed = d.String()
		if d <= 0 {
			ev.Observed += " (no timeout)"
		}
		return verdict(d > 0, ev)
	})
}
