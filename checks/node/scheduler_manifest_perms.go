/*
Scheduler pod specification permissions are 0600 or more restrictive.

Source: CIS Kubernetes Benchmark 1.12, 1.1.5. Paths as kubeadm lays a node out, as the node
agent (nodeagent.Collect) records them: <static pod path>/kube-scheduler.yaml.

Reads: the node reports' files (mode and owner from lstat); applies to control-plane nodes (a kube-apiserver manifest in the static pod directory); workers get
no result.

Allowed values: no mode bit outside 0600 (mode &^ 0600 == 0: a bitmask test, so 0444 is not
"600 or more restrictive"). Any other bit fails, listing the files.
A node without the file is NOT_APPLICABLE: there is nothing to protect. A file the agent could not examine is NOT_EVALUATED;
without node reports the control is NOT_EVALUATED.
*/

package node

import "github.com/kubeposture/kubeposture/checks"

// fileSchedulerManifestPerms is CIS 1.1.5's rule.
var fileSchedulerManifestPerms = fileRule{controlPlane: true, what: "<static pod path>/kube-scheduler.yaml",
	selectFile: byRole("kube-scheduler manifest"), maxMode: 0o600}

func init() {
	registerFileRule(checks.Control{
		ID:          "KP-NODE-024",
		Title:       "Scheduler pod specification permissions are 0600 or more restrictive",
		Severity:    checks.High,
		Description: "A scheduler pod specification that others can read or write exposes its contents (credentials, keys, a component's flags) to local users and processes, or lets them change what the node runs.",
		Remediation: "On the node: chmod 600 each file the evidence lists (<static pod path>/kube-scheduler.yaml).",
		References:  checks.References{CIS: []string{"1.1.5"}},
	}, fileSchedulerManifestPerms)
}
