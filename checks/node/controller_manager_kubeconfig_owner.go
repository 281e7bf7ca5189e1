/*
Controller-manager.conf ownership is root:root.

Source: CIS Kubernetes Benchmark 1.12, 1.1.18. Paths as kubeadm lays a node out, as the node
agent (nodeagent.Collect) records them: /etc/kubernetes/controller-manager.conf.

Reads: the node reports' files (mode and owner from lstat); applies to control-plane nodes (a kube-apiserver manifest in the static pod directory); workers get
no result.

Allowed values: uid 0 and gid 0. Any other owner fails, listing the entries.
A node without the file is NOT_APPLICABLE: there is nothing to protect. A file the agent could not examine is NOT_EVALUATED;
without node reports the control is NOT_EVALUATED.
*/

package node

import "github.com/kubeposture/kubeposture/checks"

// fileControllerManagerKubeconfigOwner is CIS 1.1.18's rule.
var fileControllerManagerKubeconfigOwner = fileRule{controlPlane: true, what: "/etc/kubernetes/controller-manager.conf",
	selectFile: byRole("controller-manager kubeconfig"), owner: "root:root"}

func init() {
	registerFileRule(checks.Control{
		ID:          "KP-NODE-037",
		Title:       "Controller-manager.conf ownership is root:root",
		Severity:    checks.High,
		Description: "A controller-manager.conf owned by another user can be changed by that user, and with it what the node trusts or runs.",
		Remediation: "On the node: chown root:root each entry the evidence lists (/etc/kubernetes/controller-manager.conf).",
		References:  checks.References{CIS: []string{"1.1.18"}},
	}, fileControllerManagerKubeconfigOwner)
}
