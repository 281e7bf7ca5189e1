// Package node holds the checks on each node's kubelet: one control per file, each
// registering itself with checks.Register in its init function.
//
// They read the kubelet's effective configuration as served by
// /api/v1/nodes/NAME/proxy/configz, where command-line flags are already merged over the
// config file and the defaults, so a field is judged as it is, with no default applied by us:
// the defaults differ between flag-only kubelets and kubelets started with --config, and only
// the kubelet knows which it was. A node whose configz could not be read, or that did not
// report a field, is NOT_EVALUATED, never PASS.
package node
