// Package controlplane holds the checks on the control-plane components, read from their
// static pods, and on what the API server shows of itself (its metrics, an anonymous probe).
// snapshot.Components finds a component's instances, one per control-plane node: its mirror
// pod in kube-system (what runs), or else, where the collector could not see it (kube-system
// pods forbidden, no API access), the static pod manifest the node agent read on that node.
// Evidence names which ("pod kube-system/kube-apiserver-cp-1", "kube-apiserver manifest
// /etc/kubernetes/manifests/kube-apiserver.yaml on node cp-1"), and notes a flag the manifest
// sets otherwise than the running mirror pod (drift, component.go).
//
// A control that is one rule on one component's flags is a row of that component's table:
// apiserver_flags.go, etcd_flags.go, controller_manager_flags.go, scheduler_flags.go. A row
// (flagRule, flag_rules.go) holds the control's ids, title and severity, its rule as a typed
// value (isBool, flagsSet, notSet, auditRotation, loopback, admissionPlugin, featureGate,
// positiveInt, asAppropriate), the upstream default with its source, the allowed values, the
// description and the remediation; one init loop registers every row. Adding such a control is
// adding a row, and its cases to the table's test.
//
// A control with logic of its own is a file of its own, registering itself with
// checks.Register in its init function: anonymous authentication and the authorization
// modes, which may be set in configuration files (anonymous_auth.go, authorization_mode_*.go);
// API server profiling (profiling.go says why it is not a row); the cipher suites; etcd's CA
// against the API servers'; the encryption providers and the audit policy given to audit; the
// encryption seen in the API server's metrics; the anonymous probe.
//
// The flags are judged as the component's own flag parser (spf13/pflag) reads them: an absent
// flag means the binary's default, single-value flags are last-wins, list flags such as
// --authorization-mode accumulate across repeats. A component the collector could not see is
// NOT_APPLICABLE on a managed control plane and NOT_EVALUATED otherwise, never PASS.
package controlplane
