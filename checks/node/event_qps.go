/*
The kubelet's event rate limit must let events through at a level that keeps them useful.

Source: CIS Kubernetes Benchmark 1.12, 4.2.8 (manual). Default from k8s.io/kubernetes@v1.37.2
pkg/kubelet/apis/config/v1beta1/defaults.go: 50 per second; 0 means no limit
(cmd/kubelet/app/options/options.go --event-qps), and the kubelet's validation refuses a
negative value.

Reads: eventRecordQPS (configz, or the node agent's effective value; *int32).

Allowed values: above 0. 0 (unlimited: an event storm can flood the API server) warns; a
negative value fails; absent (nil) is NOT_EVALUATED.
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
			ID:       "KP-NODE-008",
			Title:    "Kubelet event rate limit is set",
			Layer:    checks.Node,
			Severity: checks.Low,
			Description: "Events are an audit trail of what happened on a node. The kubelet limits how many it " +
				"sends per second: 0 removes the limit, so an event storm can overload the API server.",
			Remediation: "Set eventRecordQPS (the default is 50) in the kubelet config file, or --event-qps, to a " +
				"value above 0 that suits your environment; then restart the kubelet.",
			References: checks.References{CIS: []string{"4.2.8"}},
		},
		Inputs:   inputs,
		Evaluate: eventQPS,
	})
}

func eventQPS(snap *snapshot.Snapshot) []checks.Result {
	return eachKubelet(snap, "eventRecordQPS", func(cfg *kubeletv1beta1.KubeletConfiguration, ev checks.Evidence) checks.Result {
		ev.Expected = "above 0"
		if cfg.EventRecordQPS == nil {
			return notReported(ev)
		}
		q := *cfg.EventRecordQPS
		ev.Observed = strconv.Itoa(int(q))
		switch {
		case q == 0:
			ev.Observed += " (no limit)"
			return checks.Result{Status: checks.Warn, Evidence: ev}
		default:
			return verdict(q > 0, ev)
		}
	})
}
