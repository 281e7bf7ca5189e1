/*
The kubelet should not override the node's hostname.

Source: CIS Kubernetes Benchmark 1.12, 4.2.7 (manual). --hostname-override is a kubelet flag
(KubeletFlags in k8s.io/kubernetes@v1.37.2 cmd/kubelet/app/options/options.go), not part of
the KubeletConfiguration, so configz cannot show it: only the node agent, which reads the
kubelet's command line from /proc, can judge it.

Reads: the kubelet command line's --hostname-override (node report kubelet.flags).

Allowed values: absent. Set (to anything) fails: a node name that differs from the host name
can break TLS between the API server and the kubelet. Some cloud providers need it; accept the
finding there. Without a node report the node is NOT_EVALUATED.
*/

package node

import (
	"fmt"
	"strconv"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:       "KP-NODE-007",
			Title:    "Kubelet does not override the hostname",
			Layer:    checks.Node,
			Severity: checks.Low,
			Description: "Overriding the hostname can make the kubelet's identity differ from its certificate's " +
				"and the node's name, which breaks TLS verification between the API server and the kubelet.",
			Remediation: "Remove --hostname-override from the kubelet's service unit (the kubeadm drop-in " +
				"/etc/systemd/system/kubelet.service.d/10-kubeadm.conf or /etc/default/kubelet) unless your " +
				"cloud provider requires it; then restart the kubelet.",
			References: checks.References{CIS: []string{"4.2.7"}},
		},
		Inputs:    inputs,
		AnyInputs: sources,
		Evaluate:  hostnameOverride,
	})
}

func hostnameOverride(snap *snapshot.Snapshot) []checks.Result {
	whereOf := func(v *kubeletView) string {
		return fmt.Sprintf("kubelet flag --hostname-override (node %s, node agent)", v.Node)
	}
	return eachKubeletView(snap, whereOf, func(v *kubeletView, ev checks.Evidence) checks.Result {
		ev.Expected = "absent"
		if v.Agent == nil {
			ev.Observed = "unknown: configz does not show command-line flags"
			return checks.Result{Status: checks.NotEvaluated, Evidence: ev,
				Reason: "--hostname-override is a kubelet flag that configz does not report; merge a node report ('audit node') to judge it"}
		}
		f, ok := v.Agent.Flag("hostname-override")
		if !ok {
			ev.Observed = "absent"
			return verdict(true, ev)
		}
		ev.Observed = "--hostname-override=" + strconv.Quote(f.Value)
		return verdict(false, ev)
	})
}
