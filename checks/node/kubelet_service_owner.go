/*
Kubelet service file ownership is root:root.

Source: CIS Kubernetes Benchmark 1.12, 4.1.2. Paths as kubeadm lays a node out, as the node
agent (nodeagent.Collect) records them: /etc/systemd/system/kubelet.service.d/10-kubeadm.conf and /usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf.

Reads: the node reports' files (mode and owner from lstat); applies to every node (each runs a kubelet).

Allowed values: uid 0 and gid 0. Any other owner fails, listing the entries.
A node without the file is NOT_APPLICABLE: there is nothing to protect. A file the agent could not examine is NOT_EVALUATED;
without node reports the control is NOT_EVALUATED.
*/

package node

import "github.com/kubeposture/kubeposture/checks"

// fileKubeletServiceOwner is CIS 4.1.2's rule.
var fileKubeletServiceOwner = fileRule{controlPlane: false, what: "/etc/systemd/system/kubelet.service.d/10-kubeadm.conf and /usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf",
	selectFile: byRole("kubelet service file"), owner: "root:root"}

func init() {
	registerFileRule(checks.Control{
		ID:          "KP-NODE-042",
		Title:       "Kubelet service file ownership is root:root",
		Severity:    checks.Medium,
		Description: "A kubelet service file owned by another user can be changed by that user, and with it what the node trusts or runs.",
		Remediation: "On the node: chown root:root each entry the evidence lists (/etc/systemd/system/kubelet.service.d/10-kubeadm.conf and /usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf).",
		References:  checks.References{CIS: []string{"4.1.2"}},
	}, fileKubeletServiceOwner)
}
