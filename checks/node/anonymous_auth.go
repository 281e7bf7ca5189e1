/*
The kubelet must reject anonymous requests.

Source: CIS Kubernetes Benchmark 1.12, 4.2.1; NSA/CISA hardening guide, kubescape C-0069.
Defaults from k8s.io/kubernetes: pkg/kubelet/apis/config/v1beta1/defaults.go (config file:
false) and cmd/kubelet/app/options/options.go applyLegacyDefaults (flag-only kubelet: true);
the effective value is what configz reports, so neither default is applied here.

Reads: configz authentication.anonymous.enabled (KubeletConfiguration v1beta1, *bool).

Allowed values: false. true fails; absent (nil) is NOT_EVALUATED.
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
			ID:       "KP-NODE-001",
			Title:    "Kubelet rejects anonymous requests",
			Layer:    checks.Node,
			Severity: checks.Critical,
			Description: "With anonymous authentication on, requests to the kubelet API (port 10250) that no " +
				"authenticator rejects are served as system:anonymous; with a permissive authorization mode " +
				"that gives anyone on the network exec into every pod of the node.",
			Remediation: "Set authentication.anonymous.enabled: false in the kubelet config file " +
				"(/var/lib/kubelet/config.yaml on kubeadm nodes) and remove any --anonymous-auth=true flag " +
				"from the kubelet's service unit (flags override the file); then restart the kubelet.",
			References: checks.References{CIS: []string{"4.2.1"}, NSA: []string{"C-0069"}},
		},
		Inputs:   inputs,
		Evaluate: anonymousAuth,
	})
}

func anonymousAuth(snap *snapshot.Snapshot) []checks.Result {
	return eachKubelet(snap, "authentication.anonymous.enabled", func(cfg *kubeletv1beta1.KubeletConfiguration, ev checks.Evidence) checks.Result {
		ev.Expected = "false"
		enabled := cfg.Authentication.Anonymous.Enabled
		if enabled == nil {
			return notReported(ev)
		}
		ev.Observed = strconv.FormatBool(*enabled)
		return verdict(!*enabled, ev)
	})
}
