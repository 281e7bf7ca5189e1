/*
Kube-proxy kubeconfig file ownership is root:root.

Source: CIS Kubernetes Benchmark 1.12, 4.1.4. Paths as kubeadm lays a node out, as the node
agent (nodeagent.Collect) records them: the --kubeconfig of a kube-proxy process on the node, else /etc/kubernetes/proxy.conf.

Reads: the node reports' files (mode and owner from lstat); applies to every node (each runs a kubelet).

Allowed values: uid 0 and gid 0. Any other owner fails, listing the entries.
A node without the file is NOT_APPLICABLE (the benchmark: "if the proxy kubeconfig
file exists"). A file the agent could not examine is NOT_EVALUATED;
without node reports the control is NOT_EVALUATED.
*/

package node

import "github.com/kubeposture/kubeposture/checks"

// fileProxyKubeconfigOwner is CIS 4.1.4's rule.
var fileProxyKubeconfigOwner = fileRule{controlPlane: false, what: "the --kubeconfig of a kube-proxy process on the node, else /etc/kubernetes/proxy.conf",
	selectFile: byRole("kube-proxy kubeconfig"), owner: "root:root"}

func init() {
	registerFileRule(checks.Control{
		ID:          "KP-NODE-044",
		Title:       "Kube-proxy kubeconfig file ownership is root:root",
		Severity:    checks.Medium,
		Description: "A kube-proxy kubeconfig file owned by another user can be changed by that user, and with it what the node trusts or runs.",
		Remediation: "On the node: chown root:root each entry the evidence lists (the --kubeconfig of a kube-proxy process on the node, else /etc/kubernetes/proxy.conf).",
		References:  checks.References{CIS: []string{"4.1.4"}},
	}, fileProxyKubeconfigOwner)
}
