/*
The API server must be given an audit policy.

Source: CIS Kubernetes Benchmark 3.2.1. k8s.io/apiserver pkg/server/options/audit.go (PolicyFile unset: no event is audited, whatever the backends).

Reads: kube-apiserver --audit-policy-file.

Allowed values: set to a non-empty path. What the policy covers is judged by KP-CP-046 (CIS 3.2.2) when the file is readable.
*/

package controlplane

import (
	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	register("KP-CP-044", "3.2.1", "API server is given an audit policy", checks.Medium,
		"Without a policy the API server records no audit events, even with an audit log path.",
		fix("Write an audit policy that logs at least Metadata for secrets, configmaps and tokenreviews and set --audit-policy-file", manifestAPIServer),
		auditPolicyFile)
}

func auditPolicyFile(snap *snapshot.Snapshot) []checks.Result {
	return eachComponent(snap, apiserver, func(c *snapshot.Component) checks.Result {
		return requirePresent(c, "audit-policy-file")
	})
}
