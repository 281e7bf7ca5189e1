/*
Kubelet client certificate authorities file ownership is root:root.

Source: CIS Kubernetes Benchmark 1.12, 4.1.8. Paths as kubeadm lays a node out, as the node
agent (nodeagent.Collect) records them: the kubelet's effective authentication.x509.clientCAFile (default /etc/kubernetes/pki/ca.crt).

Reads: the node reports' files (mode and owner from lstat); applies to every node (each runs a kubelet).

Allowed values: uid 0 and gid 0. Any other owner fails, listing the entries.
A node without the file is NOT_APPLICABLE: there is nothing to protect. A file the agent could not examine is NOT_EVALUATED;
without node reports the control is NOT_EVALUATED.
*/

package node

import "github.com/kubeposture/kubeposture/checks"

// fileKubeletClientCaOwner is CIS 4.1.8's rule.
var fileKubeletClientCaOwner = fileRule{controlPlane: false, what: "the kubelet's effective authentication.x509.clientCAFile (default /etc/kubernetes/pki/ca.crt)",
	selectFile: byRole("kubelet client CA"), owner: "root:root"}

func init() {
	registerFileRule(checks.Control{
		ID:          "KP-NODE-048",
		Title:       "Kubelet client certificate authorities file ownership is root:root",
		Severity:    checks.Medium,
		Description: "A kubelet client certificate authorities file owned by another user can be changed by that user, and with it what the node trusts or runs.",
		Remediation: "On the node: chown root:root each entry the evidence lists (the kubelet's effective authentication.x509.clientCAFile).",
		References:  checks.References{CIS: []string{"4.1.8"}},
	}, fileKubeletClientCaOwner)
}
