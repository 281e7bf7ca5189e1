/*
Kubernetes PKI certificate files permissions are 0644 or more restrictive.

Source: CIS Kubernetes Benchmark 1.12, 1.1.20. Paths as kubeadm lays a node out, as the node
agent (nodeagent.Collect) records them: /etc/kubernetes/pki (every .crt file below it).

Reads: the node reports' files (mode and owner from lstat); applies to control-plane nodes (a kube-apiserver manifest in the static pod directory); workers get
no result.

Allowed values: no mode bit outside 0644 (mode &^ 0644 == 0: a bitmask test, so 0444 is not
"600 or more restrictive"). Any other bit fails, listing the files.
A node without the file is NOT_APPLICABLE: there is nothing to protect. A file the agent could not examine is NOT_EVALUATED;
without node reports the control is NOT_EVALUATED.
*/

package node

import "github.com/kubeposture/kubeposture/checks"

// filePkiCrtPerms is CIS 1.1.20's rule.
var filePkiCrtPerms = fileRule{controlPlane: true, what: "/etc/kubernetes/pki (every .crt file below it)",
	selectFile: byRoleSuffix("pki", ".crt"), maxMode: 0o644}

func init() {
	registerFileRule(checks.Control{
		ID:          "KP-NODE-039",
		Title:       "Kubernetes PKI certificate files permissions are 0644 or more restrictive",
		Severity:    checks.Medium,
		Description: "A Kubernetes PKI certificate files that others can read or write exposes its contents (credentials, keys, a component's flags) to local users and processes, or lets them change what the node runs.",
		Remediation: "On the node: chmod 644 each file the evidence lists (/etc/kubernetes/pki).",
		References:  checks.References{CIS: []string{"1.1.20"}},
	}, filePkiCrtPerms)
}
