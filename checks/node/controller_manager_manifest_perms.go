/*
Controller manager pod specification permissions are 0600 or more restrictive.

Source: CIS Kubernetes Benchmark 1.12, 1.1.3. Paths as kubeadm lays a node out, as the node
agent (nodeagent.Collect) records them: <static pod path>/kube-controller-manager.yaml.

Reads: the node reports' files (mode and owner from lstat); applies to control-plane nodes (a kube-apiserver manifest in the static pod directory); workers get
no result.

Allowed values: no mode bit outside 0600 (mode &^ 0600 == 0: a bitmask test, so 0444 is not
"600 or more restrictive"). Any other bit fails, listing the files.
A node without the file is NOT_APPLICABLE: there is nothing to protect. A file the agent could not examine is NOT_EVALUATED;
without node reports the control is NOT_EVALUATED.
*/

package node

import "github.com/kubeposture/kubeposture/checks"

// fileControllerManagerManifestPerms is CIS 1.1.3's rule.
var fileControllerManagerManifestPerms = fileRule{controlPlane: true, what: "<static pod path>/kube-controller-manager.yaml",
	selectFile: byRole("kube-controller-manager manifest"), maxMode: 0o600}

func init() {
	registerFileRule(checks.Control{
		ID:          "KP-NODE-022",
		Title:       "Controller manager pod specification permissions are 0600 or more restrictive",
		Severity:    checks.High,
		Description: "A controller manager pod specification that others can read or write exposes its contents (credentials, keys, a component's flags) to local users and processes, or lets them change what the node runs.",
		Remediation: "On the node: chmod 600 each file the evidence lists (<static pod path>/kube-controller-manager.yaml).",
		References:  checks.References{CIS: []string{"1.1.3"}},
	}, fileControllerManagerManifestPerms)
}
