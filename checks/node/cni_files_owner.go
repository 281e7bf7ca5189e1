/*
Container Network Interface files ownership is root:root.

Source: CIS Kubernetes Benchmark 1.12, 1.1.10. Paths as kubeadm lays a node out, as the node
agent (nodeagent.Collect) records them: /etc/cni/net.d and /var/lib/cni/networks (every entry).

Reads: the node reports' files (mode and owner from lstat); applies to control-plane nodes (a kube-apiserver manifest in the static pod directory); workers get
no result.

Allowed values: uid 0 and gid 0. Any other owner fails, listing the entries.
A node without the file is NOT_APPLICABLE: there is nothing to protect. A file the agent could not examine is NOT_EVALUATED;
without node reports the control is NOT_EVALUATED.
*/

package node

import "github.com/kubeposture/kubeposture/checks"

// fileCniFilesOwner is CIS 1.1.10's rule.
var fileCniFilesOwner = fileRule{controlPlane: true, what: "/etc/cni/net.d and /var/lib/cni/networks (every entry)",
	selectFile: byRole("cni"), owner: "root:root"}

func init() {
	registerFileRule(checks.Control{
		ID:          "KP-NODE-029",
		Title:       "Container Network Interface files ownership is root:root",
		Severity:    checks.Medium,
		Description: "A Container Network Interface files owned by another user can be changed by that user, and with it what the node trusts or runs.",
		Remediation: "On the node: chown root:root each entry the evidence lists (/etc/cni/net.d and /var/lib/cni/networks).",
		References:  checks.References{CIS: []string{"1.1.10"}},
	}, fileCniFilesOwner)
}
