// Few subjects may use nodes/proxy.
//
// Source: CIS Kubernetes Benchmark 1.12, 5.1.10 (manual there: "minimize"; the cluster's RBAC answers it).
// Matching is the API server's (package internal/authz: component-helpers validation.Covers, aggregated
// ClusterRoles resolved).
//
// Reads: Roles, ClusterRoles, RoleBindings, ClusterRoleBindings. Asks get and create on nodes/proxy (core group, cluster-scoped); "*/proxy" and "*" rules grant it.
//
// Allowed values: no binding grants it. Each binding that grants it (Kubernetes' own bootstrap bindings
// excepted) is a WARN, to be justified or removed; a FAIL when a subject is everyone of some kind
// (system:authenticated, system:unauthenticated, system:serviceaccounts, system:anonymous). No
// such binding is one PASS for the cluster.

package rbac

import (
	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:          "KP-RBAC-010",
			Title:       "Access to the nodes/proxy subresource is minimised",
			Layer:       checks.ControlPlane,
			Severity:    checks.High,
			Description: "nodes/proxy reaches the kubelet API directly: with it a subject can run commands in any pod on the node, past admission and audit.",
			Remediation: "Remove nodes/proxy from roles; monitoring that needs kubelet metrics can use nodes/metrics.",
			References:  checks.References{CIS: []string{"5.1.10"}},
		},
		Inputs:   inputs,
		Evaluate: nodesProxy,
	})
}

// nodesProxyAsks are the permissions the control looks for.
var nodesProxyAsks = []ask{
	req("get", "", "nodes", "proxy", true),
	req("create", "", "nodes", "proxy", true),
}

func nodesProxy(snap *snapshot.Snapshot) []checks.Result {
	return judgeGrants(snap, nodesProxyAsks, "no get or create on nodes/proxy")
}
