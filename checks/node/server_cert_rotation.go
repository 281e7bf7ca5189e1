/*
The kubelet must rotate its serving certificate: the RotateKubeletServerCertificate feature
gate on, and serverTLSBootstrap true, without which the gate does nothing.

Source: CIS Kubernetes Benchmark 1.12, 4.2.11 (manual). Defaults from k8s.io/kubernetes@v1.37.2:
pkg/features/kube_features.go RotateKubeletServerCertificate (beta, on by default since 1.12);
serverTLSBootstrap false (pkg/kubelet/apis/config/v1beta1/defaults.go leaves it unset;
--rotate-server-certificates in cmd/kubelet/app/options/options.go). kube-bench checks the
gate alone and passes a kubelet that never rotates anything.

Reads: featureGates.RotateKubeletServerCertificate, serverTLSBootstrap, tlsCertFile
(configz, or the node agent's effective values).

Allowed values: serverTLSBootstrap true and the gate not false. The gate set false fails;
serverTLSBootstrap false fails, except that with tlsCertFile set (certificates provisioned
outside the kubelet) it warns: rotation is then the operator's job.
*/

package node

import (
	"fmt"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
	kubeletv1beta1 "k8s.io/kubelet/config/v1beta1"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:       "KP-NODE-011",
			Title:    "Kubelet rotates its serving certificate",
			Layer:    checks.Node,
			Severity: checks.Medium,
			Description: "The RotateKubeletServerCertificate gate only takes effect with serverTLSBootstrap: true; " +
				"then the kubelet requests its serving certificate from the API server and renews it before expiry.",
			Remediation: "Set serverTLSBootstrap: true in the kubelet config file (or --rotate-server-certificates), " +
				"do not set the RotateKubeletServerCertificate gate to false, and approve the kubelet-serving CSRs " +
				"(kubectl certificate approve, or an approver); then restart the kubelet.",
			References: checks.References{CIS: []string{"4.2.11"}},
		},
		Inputs:    inputs,
		AnyInputs: sources,
		Evaluate:  serverCertRotation,
	})
}

func serverCertRotation(snap *snapshot.Snapshot) []checks.Result {
	return eachKubelet(snap, "serverTLSBootstrap,featureGates.RotateKubeletServerCertificate", func(cfg *kubeletv1beta1.KubeletConfiguration, ev checks.Evidence) checks.Result {
		ev.Expected = "serverTLSBootstrap true, RotateKubeletServerCertificate not false"
		gate, set := cfg.FeatureGates["RotateKubeletServerCertificate"]
		gateDesc := "absent (default true)"
		if set {
			gateDesc = fmt.Sprint(gate)
		}
		ev.Observed = fmt.Sprintf("serverTLSBootstrap=%t RotateKubeletServerCertificate=%s", cfg.ServerTLSBootstrap, gateDesc)
		switch {
		case set && !gate:
			return verdict(false, ev)
		case cfg.ServerTLSBootstrap:
			return verdict(true, ev)
		case cfg.TLSCertFile != "":
			ev.Observed += fmt.Sprintf(" (serving certificate %s provisioned outside the kubelet)", cfg.TLSCertFile)
			return checks.Result{Status: checks.Warn, Evidence: ev}
		default:
			ev.Observed += " (the gate does nothing without serverTLSBootstrap)"
			return verdict(false, ev)
		}
	})
}
