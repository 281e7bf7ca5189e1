/*
Kubelet config file permissions are 0600 or more restrictive.

Source: CIS Kubernetes Benchmark 1.12, 4.1.9. Paths as kubeadm lays a node out, as the node
agent (nodeagent.Collect) records them: kubelet --config (kubeadm: /var/lib/kubelet/config.yaml).

Reads: the node reports' files (mode and owner from lstat); applies to every node (each runs a kubelet).

Allowed values: no mode bit outside 0600 (mode &^ 0600 == 0: a bitmask test, so 0444 is not
"600 or more restrictive"). Any other bit fails, listing the files.
A node without the file is NOT_APPLICABLE: there is nothing to protect. A file the agent could not examine is NOT_EVALUATED;
without node reports the control is NOT_EVALUATED.
*/

package node

import "github.com/kubeposture/kubeposture/checks"

// fileKubeletConfigFilePerms is CIS 4.1.9's rule.
var fileKubeletConfigFilePerms = fileRule{controlPlane: false, what: "kubelet --config (kubeadm: /var/lib/kubelet/config.yaml)",
	selectFile: byRole("kubelet config"), maxMode: 0o600}

func init() {
	registerFileRule(checks.Control{
		ID:          "KP-NODE-049",
		Title:       "Kubelet config file permissions are 0600 or more restrictive",
		Severity:    checks.High,
		Description: "A kubelet config file that others can read or write exposes its contents (credentials, keys, a component's flags) to local users and processes, or lets them change what the node runs.",
		Remediation: "On the node: chmod 600 each file the evidence lists (kubelet --config).",
		References:  checks.References{CIS: []string{"4.1.9"}},
	}, fileKubeletConfigFilePerms)
}
