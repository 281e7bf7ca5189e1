// Package controlplane holds the checks on the control-plane components, read from their
// static (mirror) pods in kube-system: one control per file, each registering itself with
// checks.Register in its init function.
//
// The flags are judged as the component's own flag parser (spf13/pflag) reads them: an absent
// flag means the binary's default, single-value flags are last-wins, list flags such as
// --authorization-mode accumulate across repeats. A component the collector could not see is
// NOT_APPLICABLE on a managed control plane and NOT_EVALUATED otherwise, never PASS.
package controlplane
