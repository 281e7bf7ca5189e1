/*
The API server's profiling endpoints must be off.

Source: CIS Kubernetes Benchmark 1.12, 1.2.15. Default from k8s.io/apiserver
pkg/server/config.go (NewConfig: EnableProfiling true), bound to --profiling in
pkg/server/options/feature.go.

Reads: kube-apiserver --profiling (last occurrence wins).

Allowed values: --profiling=false, in any spelling strconv.ParseBool reads as false. Absent is
true (FAIL); a value ParseBool cannot read fails.

A flag rule, but not a row of apiserverFlags: it reports with requireFalse and eachAPIServer,
as KP-CP-001 to 004 do, and a row (isBool, eachComponent) would change its evidence and its
reasons in the reports ("absent (default: true)" would name the default's source).
*/

package controlplane

import (
	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:       "KP-CP-005",
			Title:    "API server profiling is disabled",
			Layer:    checks.ControlPlane,
			Severity: checks.Medium,
			Description: "Profiling serves /debug/pprof, which reveals program internals and can be used to " +
				"load the API server; it is on by default and not needed in production.",
			Remediation: "Set --profiling=false in /etc/kubernetes/manifests/kube-apiserver.yaml on each " +
				"control-plane node.",
			References: checks.References{CIS: []string{"1.2.15"}},
		},
		AnyInputs: sources,
		Evaluate:  profiling,
	})
}

func profiling(snap *snapshot.Snapshot) []checks.Result {
	return eachAPIServer(snap, func(c *snapshot.Component) checks.Result {
		return requireFalse(c, "profiling", true)
	})
}
