/*
The kubelet must run containers with the RuntimeDefault seccomp profile unless they ask for
another.

Source: CIS Kubernetes Benchmark 1.12, 4.2.14 (manual). Default from k8s.io/kubernetes@v1.37.2
pkg/kubelet/apis/config/v1beta1/defaults.go: false.

Reads: seccompDefault (configz, or the node agent's effective value; *bool).

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
			ID:       "KP-NODE-014",
			Title:    "Kubelet applies the RuntimeDefault seccomp profile by default",
			Layer:    checks.Node,
			Severity: checks.Medium,
			Description: "Without seccompDefault a container that names no seccomp profile runs Unconfined: " +
				"every system call is open to it, which widens the kernel attack surface.",
			Remediation: "Set seccompDefault: true in the kubelet config file (or --seccomp-default); then restart " +
				"the kubelet. Test workloads first: a few need syscalls RuntimeDefault blocks.",
			References: checks.References{CIS: []string{"4.2.14"}},
		},
		Inputs:   inputs,
		Evaluate: seccompDefault,
	})
}

func seccompDefault(snap *snapshot.Snapshot) []checks.Result {
	return eachKubelet(snap, "seccompDefault", func(cfg *kubeletv1beta1.KubeletConfiguration, ev checks.Evidence) checks.Result {
		ev.Expected = "true"
		if cfg.SeccompDefault == nil {
			return notReported(ev)
		}
		ev.Observed = strconv.FormatBool(*cfg.SeccompDefault)
		return verdict(*cfg.SeccompDefault, ev)
	})
}
