/*
The kubelet must limit the number of processes of each pod.

Source: CIS Kubernetes Benchmark 1.12, 4.2.13 (manual). Default from k8s.io/kubernetes@v1.37.2
pkg/kubelet/apis/config/v1beta1/defaults.go: -1 (no per-pod limit; a negative value is reset
to -1).

Reads: podPidsLimit (configz, or the node agent's effective value; *int64).

Allowed values: above 0. -1 or 0 (no limit) fails; absent (nil) is NOT_EVALUATED.
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
			ID:       "KP-NODE-013",
			Title:    "Kubelet limits the processes of each pod",
			Layer:    checks.Node,
			Severity: checks.Medium,
			Description: "Without a per-pod PID limit one pod can fork until the node runs out of process ids, " +
				"starving every other pod and the node's own daemons.",
			Remediation: "Set podPidsLimit (e.g. 4096) in the kubelet config file, or --pod-max-pids; then restart " +
				"the kubelet.",
			References: checks.References{CIS: []string{"4.2.13"}},
		},
		Inputs:   inputs,
		Evaluate: podPidsLimit,
	})
}

func podPidsLimit(snap *snapshot.Snapshot) []checks.Result {
	return eachKubelet(snap, "podPidsLimit", func(cfg *kubeletv1beta1.KubeletConfiguration, ev checks.Evidence) checks.Result {
		ev.Expected = "above 0"
		if cfg.PodPidsLimit == nil {
			return notReported(ev)
		}
		n := *cfg.PodPidsLimit
		ev.Observed = strconv.FormatInt(n, 10)
		if n <= 0 {
			ev.Observed += " (no limit)"
		}
		return verdict(n > 0, ev)
	})
}
