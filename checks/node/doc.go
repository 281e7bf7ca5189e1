// Package node holds the node layer's checks: one control per file, each registering itself
// with checks.Register in its init function.
//
// The kubelet checks (CIS 4.2) read each node's effective kubelet configuration: the one
// served by /api/v1/nodes/NAME/proxy/configz, where the kubelet has already merged its flags
// over its config file and defaults, and, where configz was not read, the one the node agent
// (nodeagent, `audit node`) computed from the kubelet's command line and config file with
// the defaults for how that kubelet was started. A configz field is judged as it is, with no
// default applied here: the defaults differ between flag-only kubelets and kubelets started
// with --config, and only the kubelet (or the agent, which saw how it was started) knows
// which applies. A node whose configuration was not seen, or that did not report a field, is
// NOT_EVALUATED, never PASS.
//
// The file checks (CIS 1.1, 4.1) read the node reports' file modes and owners; the version,
// readiness and end-of-life checks read the Node objects; the kube-proxy check reads its pods
// and ConfigMap.
//
// Results about nodes are grouped (group.go): nodes whose verdict rests on the same evidence
// give one result naming them all, and a node that differs from its pool is called out.
package node
