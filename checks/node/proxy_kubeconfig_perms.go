/*
Kube-proxy kubeconfig file permissions are 0600 or more restrictive.

Source: CIS Kubernetes Benchmark 1.12, 4.1.3. Paths as kubeadm lays a node out, as the node
agent (nodeagent.Collect) records them: the --kubeconfig of a kube-proxy process on the node, else /etc/kubernetes/proxy.conf.

Reads: the node reports' files (mode and owner from lstat); applies to every node (each runs a kubelet).

Allowed values: no mode bit outside 0600 (mode &^ 0600 == 0: a bitmask test, so 0444 is not
"600 or more restrictive"). Any other bit fails, listing the files.
A node without the file is NOT_APPLICABLE (the benchmark: "if the proxy kubeconfig
file exists"). A file the agent could not examine is NOT_EVALUATED;
without node reports the control is NOT_EVALUATED.
*/

package node

import "github.com/kubeposture/kubeposture/checks"

// fileProxyKubeconfigPerms is CIS 4.1.3's rule.
var fileProxyKubeconfigPerms = fileRule{controlPlane: false, what: "the --kubeconfig of a kube-proxy process on the node, else /etc/kubernetes/proxy.conf",
	selectFile: byRole("kube-proxy kubeconfig"), maxMode: 0o600}

func init() {
	registerFileRule(checks.Control{
		ID:          "KP-NODE-043",
		Title:       "Kube-proxy kubeconfig file permissions are 0600 or more restrictive",
		Severity:    checks.Medium,
		Description: "A kube-proxy kubeconfig file that others can read or write exposes its contents (credentials, keys, a component's flags) to local users and processes, or lets them change what the node runs.",
		Remediation: "On the node: chmod 600 each file the evidence lists (the --kubeconfig of a kube-proxy process on the node, else /etc/kubernetes/proxy.conf).",
		References:  checks.References{CIS: []string{"4.1.3"}},
	}, fileProxyKubeconfigPerms)
}
