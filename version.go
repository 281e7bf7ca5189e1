// Package kubeposture audits the security posture of a Kubernetes cluster against the CIS
// Kubernetes Benchmark, the Pod Security Standards and the NSA/CISA hardening guide.
//
// The binary is cmd/audit; the packages are collect (cluster to snapshot), snapshot (the
// serialisable evidence), checks (the engine and the controls), and report (renderers).
package kubeposture

import "runtime/debug"

// version is set at release build time with -ldflags "-X github.com/kubeposture/kubeposture.version=v1.2.3".
var version = ""

// Version returns the tool's version: the linker-stamped one, else the module version that
// `go install ...@version` records, else "devel".
func Version() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}
