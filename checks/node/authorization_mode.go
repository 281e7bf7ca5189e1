/*
The kubelet must not authorize every request (AlwaysAllow): it must ask the API server.

Source: CIS Kubernetes Benchmark 1.12, 4.2.2. Defaults from k8s.io/kubernetes:
pkg/kubelet/apis/config/v1beta1/defaults.go (config file: Webhook) and
cmd/kubelet/app/options/options.go applyLegacyDefaults (flag-only kubelet: AlwaysAllow); the
effective value is what configz reports, so neither default is applied here. No NSA area in
kubescape's framework covers it (C-0069 is anonymous auth, C-0070 the client CA).

Reads: configz authorization.mode (KubeletConfiguration v1beta1).

Allowed values: Webhook, the only mode besides AlwaysAllow that the kubelet accepts
(cmd/kubelet/app/auth.go); compared exactly. AlwaysAllow, or any other value, fails; empty
(not reported) is NOT_EVALUATED.
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
			ID:       "KP-NODE-002",
			Title:    "Kubelet authorization mode is not AlwaysAllow",
			Layer:    checks.Node,
			Severity: checks.Critical,
			Description: "With AlwaysAllow, every authenticated (or anonymous) request to the kubelet API is " +
				"allowed, including exec, attach and port-forward into the node's pods. Webhook mode asks the " +
				"API server, so RBAC applies.",
			Remediation: "Set authorization.mode: Webhook in the kubelet config file (/var/lib/kubelet/config.yaml " +
				"on kubeadm nodes) and remove any --authorization-mode=AlwaysAllow flag from the kubelet's " +
				"service unit (flags override the file); then restart the kubelet.",
			References: checks.References{CIS: []string{"4.2.2"}},
		},
		Inputs:   inputs,
		Evaluate: authorizationMode,
	})
}

func authorizationMode(snap *snapshot.Snapshot) []checks.Result {
	return eachKubelet(snap, "authorization.mode", func(cfg *kubeletv1beta1.KubeletConfiguration, ev checks.Evidence) checks.Result {
		ev.Expected = string(kubeletv1beta1.KubeletAuthorizationModeWebhook)
		mode := cfg.Authorization.Mode
		if mode == "" {
			return notReported(ev)
		}
		ev.Observed = strconv.Quote(string(mode))
		return verdict(mode == kubeletv1beta1.KubeletAuthorizationModeWebhook, ev)
	})
}
