/*
The kubelet must rotate its serving certificate: the RotateKubeletServerCertificate feature
gate on, and serverTLSBootstrap true, without which the gate does nothing.

Source: CIS Kubernetes Benchmark 1.12, 4.2.11 (manual). Defaults from k8s.io/kubernetes@v1.37.2:
pkg/features/kube_features.go RotateKubeletServerCertificate (beta, on by default since 1.12);
serverTLSBootstrap false (pkg/kubelet/apis/config/v1beta1/defaults.go leaves it unset;
--rotate-server-certificates in cmd/kubelet/app/options/options.go). kube-bench checks the
gate alone and passes a kubelet that never rotates anything.

Reads: featureGates.RotateKubeletServerCertificate, serverTLSBootstrap, tlsCertFile
(configz, or the node agent's effective values), and whether the kubelet filled tlsCertFile in
itself (see KP-NODE-009, kubeletsOwnPair).

Allowed values: serverTLSBootstrap true and the gate not false. The gate set false fails;
serverTLSBootstrap false fails, except that with tlsCertFile set by the administrator
(certificates provisioned outside the kubelet) it warns: rotation is then the operator's job.
A tlsCertFile the kubelet filled in itself is its self-signed pair (cmd/kubelet/app/server.go
InitializeTLS), which nothing rotates: that fails.
*/

package node

import (
	"fmt"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
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
	const field = "serverTLSBootstrap,featureGates.RotateKubeletServerCertificate"
	whereOf := func(v *kubeletView) string { return where(v, field) }
	return eachKubeletView(snap, whereOf, func(v *kubeletView, ev checks.Evidence) checks.Result {
		cfg := v.Config
		ev.Expected = "serverTLSBootstrap true, RotateKubeletServerCertificate not false"
		gate, set := cfg.FeatureGates["RotateKubeletServerCertificate"]
		gateDesc := "absent (default true)"
		if set {
			gateDesc = fmt.Sprint(gate)
		}
		ev.Observed = fmt.Sprintf("serverTLSBootstrap=%t RotateKubeletServerCertificate=%s", cfg.ServerTLSBootstrap, gateDesc)
		own := kubeletsOwnPair(v)
		switch {
		case set && !gate:
			return verdict(false, ev)
		case cfg.ServerTLSBootstrap:
			return verdict(true, ev)
		case own != "":
			ev.Observed += fmt.Sprintf(" (serving certificate %s is the kubelet's own self-signed pair, which nothing rotates: %s)", cfg.TLSCertFile, own)
			return verdict(false, ev)
		case cfg.TLSCertFile != "":
			ev.Observed += fmt.Sprintf(" (serving certificate %s provisioned outside the kubelet)", cfg.TLSCertFile)
			return checks.Result{Status: checks.Warn, Evidence: ev}
		default:
			ev.Observed += " (the gate does nothing without serverTLSBootstrap)"
			return verdict(false, ev)
		}
	})
}
