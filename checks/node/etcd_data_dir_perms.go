/*
Etcd data directory permissions are 0700 or more restrictive.

Source: CIS Kubernetes Benchmark 1.12, 1.1.11. Paths as kubeadm lays a node out, as the node
agent (nodeagent.Collect) records them: etcd --data-dir from its manifest (default /var/lib/etcd).

Reads: the node reports' files (mode and owner from lstat); applies to control-plane nodes (a kube-apiserver manifest in the static pod directory); workers get
no result.

Allowed values: no mode bit outside 0700 (mode &^ 0700 == 0: a bitmask test, so 0444 is not
"600 or more restrictive"). Any other bit fails, listing the files.
A node without the file is NOT_APPLICABLE: there is nothing to protect. A file the agent could not examine is NOT_EVALUATED;
without node reports the control is NOT_EVALUATED.
*/

package node

import "github.com/kubeposture/kubeposture/checks"

// fileEtcdDataDirPerms is CIS 1.1.11's rule.
var fileEtcdDataDirPerms = fileRule{controlPlane: true, what: "etcd --data-dir from its manifest (default /var/lib/etcd)",
	selectFile: byRole("etcd data directory"), maxMode: 0o700}

func init() {
	registerFileRule(checks.Control{
		ID:          "KP-NODE-030",
		Title:       "Etcd data directory permissions are 0700 or more restrictive",
		Severity:    checks.High,
		Description: "A etcd data directory that others can read or write exposes its contents (credentials, keys, a component's flags) to local users and processes, or lets them change what the node runs.",
		Remediation: "On the node: chmod 700 each file the evidence lists (etcd --data-dir from its manifest).",
		References:  checks.References{CIS: []string{"1.1.11"}},
	}, fileEtcdDataDirPerms)
}
