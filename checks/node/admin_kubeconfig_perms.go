/*
Default administrative credential files permissions are 0600 or more restrictive.

Source: CIS Kubernetes Benchmark 1.12, 1.1.13. Paths as kubeadm lays a node out, as the node
agent (nodeagent.Collect) records them: /etc/kubernetes/admin.conf and /etc/kubernetes/super-admin.conf.

Reads: the node reports' files (mode and owner from lstat); applies to control-plane nodes (a kube-apiserver manifest in the static pod directory); workers get
no result.

Allowed values: no mode bit outside 0600 (mode &^ 0600 == 0: a bitmask test, so 0444 is not
"600 or more restrictive"). Any other bit fails, listing the files.
A node without the file is NOT_APPLICABLE: there is nothing to protect. A file the agent could not examine is NOT_EVALUATED;
without node reports the control is NOT_EVALUATED.
*/

package node

import "github.com/kubeposture/kubeposture/checks"

// fileAdminKubeconfigPerms is CIS 1.1.13's rule.
var fileAdminKubeconfigPerms = fileRule{controlPlane: true, what: "/etc/kubernetes/admin.conf and /etc/kubernetes/super-admin.conf",
	selectFile: byRole("admin kubeconfig"), maxMode: 0o600}

func init() {
	registerFileRule(checks.Control{
		ID:          "KP-NODE-032",
		Title:       "Default administrative credential files permissions are 0600 or more restrictive",
		Severity:    checks.Critical,
		Description: "A default administrative credential files that others can read or write exposes its contents (credentials, keys, a component's flags) to local users and processes, or lets them change what the node runs.",
		Remediation: "On the node: chmod 600 each file the evidence lists (/etc/kubernetes/admin.conf and /etc/kubernetes/super-admin.conf).",
		References:  checks.References{CIS: []string{"1.1.13"}},
	}, fileAdminKubeconfigPerms)
}
