// Package node holds the node layer's checks. Every control registers itself with
// checks.Register in an init function. Controls that are data are rows of a table:
// file_rules.go holds the file controls (CIS 1.1, 4.1: a file role and a permission bound or
// an owner), kubelet_config.go the kubelet controls that compare one configuration field with
// an expected value (with the field's upstream defaults); one function turns a row into a
// checks.Check. A control with logic of its own has a file of its own.
//
// The kubelet checks (CIS 4.2) read each node's effective kubelet configuration: the one
// served by /api/v1/nodes/NAME/proxy/configz, where the kubelet has already merged its flags
// over its config file and defaults, and, where configz was not read, the one the node agent
// (nodeagent, `audit node`) computed from the kubelet's command line and config file with
// the defaults for how that kubelet was started. A configz field is judged as it is, with no
// default applied here: the defaults differ between flag-only kubelets and kubelets started
// with --config, and only the kubelet (or the agent, which saw how it was started) knows
// which applies. A node whose configuration was not seen, or that did not report a field, is
// NOT_EVALUATED, never PASS. Either source suffices for a node, so the kubelet checks list
// both as checks.Check.AnyInputs, not as Inputs.
//
// The file checks (CIS 1.1, 4.1) read the node reports' file modes and owners, selected by
// their snapshot.FileRole; node reports are their input, without which the engine judges them
// NOT_EVALUATED. Section 1.1 is about control-plane nodes and section 4.1 about the nodes
// kubelets run on: a node outside a rule's section is NOT_APPLICABLE there, as the kubelet
// checks are on a node that runs no kubelet. The version,
// readiness and end-of-life checks read the Node objects; the kube-proxy check reads its pods
// and ConfigMap.
//
// Results about nodes are grouped (group.go): nodes with the same verdict on the same value give
// one result naming them all (and where each read the value), and a node whose verdict or value
// differs from its pool's is called out.
package node
