/*
Kubelet kubeconfig file ownership is root:root.

Source: CIS Kubernetes Benchmark 1.12, 4.1.6. Paths as kubeadm lays a node out, as the node
agent (nodeagent.Collect) records them: kubelet --kubeconfig (default /etc/kubernetes/kubelet.conf).

Reads: the node reports' files (mode and owner from lstat); applies to every node (each runs a kubelet).

Allowed values: uid 0 and gid 0. Any other owner fails, listing the entries.
A node without the file is NOT_APPLICABLE: there is nothing to protect. A file the agent could not examine is NOT_EVALUATED;
without node reports the control is NOT_EVALUATED.
*/

package node

import "github.com/kubeposture/kubeposture/checks"

// fileKubeletKubeconfigOwner is CIS 4.1.6's rule.
var fileKubeletKubeconfigOwner = fileRule{controlPlane: false, what: "kubelet --kubeconfig (default /etc/kubernetes/kubelet.conf)",
	selectFile: byRole("kubelet kubeconfig"), owner: "root:root"}

func init() {
	registerFileRule(checks.Control{
		ID:          "KP-NODE-046",
		Title:       "Kubelet kubeconfig file ownership is root:root",
		Severity:    checks.High,
		Description: "A kubelet kubeconfig file owned by another user can be changed by that user, and with it what the node trusts or runs.",
		Remediation: "On the node: chown root:root each entry the evidence lists (kubelet --kubeconfig).",
		References:  checks.References{CIS: []string{"4.1.6"}},
	}, fileKubeletKubeconfigOwner)
}
