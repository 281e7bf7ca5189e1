/*
Kubelet client certificate authorities file permissions are 0644 or more restrictive.

Source: CIS Kubernetes Benchmark 1.12, 4.1.7. Paths as kubeadm lays a node out, as the node
agent (nodeagent.Collect) records them: the kubelet's effective authentication.x509.clientCAFile (default /etc/kubernetes/pki/ca.crt).

Reads: the node reports' files (mode and owner from lstat); applies to every node (each runs a kubelet).

Allowed values: no mode bit outside 0644 (mode &^ 0644 == 0: a bitmask test, so 0444 is not
"600 or more restrictive"). Any other bit fails, listing the files.
A node without the file is NOT_APPLICABLE: there is nothing to protect. A file the agent could not examine is NOT_EVALUATED;
without node reports the control is NOT_EVALUATED.
*/

package node

import "github.com/kubeposture/kubeposture/checks"

// fileKubeletClientCaPerms is CIS 4.1.7's rule.
var fileKubeletClientCaPerms = fileRule{controlPlane: false, what: "the kubelet's effective authentication.x509.clientCAFile (default /etc/kubernetes/pki/ca.crt)",
	selectFile: byRole("kubelet client CA"), maxMode: 0o644}

func init() {
	registerFileRule(checks.Control{
		ID:          "KP-NODE-047",
		Title:       "Kubelet client certificate authorities file permissions are 0644 or more restrictive",
		Severity:    checks.Medium,
		Description: "A kubelet client certificate authorities file that others can read or write exposes its contents (credentials, keys, a component's flags) to local users and processes, or lets them change what the node runs.",
		Remediation: "On the node: chmod 644 each file the evidence lists (the kubelet's effective authentication.x509.clientCAFile).",
		References:  checks.References{CIS: []string{"4.1.7"}},
	}, fileKubeletClientCaPerms)
}
