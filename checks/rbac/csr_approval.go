// Few subjects may approve certificate signing requests.
//
// Source: CIS Kubernetes Benchmark 1.12, 5.1.11 (manual there: "minimize"; the cluster's RBAC answers it).
// Matching is the API server's (package internal/authz: component-helpers validation.Covers, aggregated
// ClusterRoles resolved).
//
// Reads: Roles, ClusterRoles, RoleBindings, ClusterRoleBindings. Asks update and patch on certificatesigningrequests/approval (certificates.k8s.io, cluster-scoped).
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
			ID:          "KP-RBAC-011",
			Title:       "Approval of certificate signing requests is minimised",
			Layer:       checks.ControlPlane,
			Severity:    checks.High,
			Description: "Approving CSRs lets a subject issue client certificates, for example for a node or a privileged group.",
			Remediation: "Limit update on certificatesigningrequests/approval to the controllers that approve CSRs.",
			References:  checks.References{CIS: []string{"5.1.11"}},
		},
		Inputs:   inputs,
		Evaluate: csrApproval,
	})
}

// csrApprovalAsks are the permissions the control looks for.
var csrApprovalAsks = []ask{
	req("update", "certificates.k8s.io", "certificatesigningrequests", "approval", true),
	req("patch", "certificates.k8s.io", "certificatesigningrequests", "approval", true),
}

func csrApproval(snap *snapshot.Snapshot) []checks.Result {
	return judgeGrants(snap, csrApprovalAsks, "no update or patch on certificatesigningrequests/approval")
}
