/*
Etcd data directory ownership is etcd:etcd.

Source: CIS Kubernetes Benchmark 1.12, 1.1.12. Paths as kubeadm lays a node out, as the node
agent (nodeagent.Collect) records them: etcd --data-dir from its manifest (default /var/lib/etcd).

Reads: the node reports' files (mode and owner from lstat); applies to control-plane nodes (a kube-apiserver manifest in the static pod directory); workers get
no result.

Allowed values: the user and group named etcd:etcd in the node's /etc/passwd and /etc/group.
Anything else fails, including root:root, which kubeadm leaves (its etcd runs as root).
A node without the file is NOT_APPLICABLE: there is nothing to protect. A file the agent could not examine is NOT_EVALUATED;
without node reports the control is NOT_EVALUATED.
*/

package node

import "github.com/kubeposture/kubeposture/checks"

// fileEtcdDataDirOwner is CIS 1.1.12's rule.
var fileEtcdDataDirOwner = fileRule{controlPlane: true, what: "etcd --data-dir from its manifest (default /var/lib/etcd)",
	selectFile: byRole("etcd data directory"), owner: "etcd:etcd"}

func init() {
	registerFileRule(checks.Control{
		ID:          "KP-NODE-031",
		Title:       "Etcd data directory ownership is etcd:etcd",
		Severity:    checks.Medium,
		Description: "A etcd data directory owned by another user can be changed by that user, and with it what the node trusts or runs.",
		Remediation: "On the node: chown etcd:etcd each entry the evidence lists (etcd --data-dir from its manifest).",
		References:  checks.References{CIS: []string{"1.1.12"}},
	}, fileEtcdDataDirOwner)
}
