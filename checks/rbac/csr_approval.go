// Few subjects may approve certificate signing requests.
//
// Source: CIS Kubernetes Benchmark 1.12, 5.1.11 (manual there: "minimize"; the cluster's RBAC answers it).
// Matching is the API server's (package rbac: component-helpers validation.Covers, aggregated
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
	register("KP-RBAC-011", "5.1.11", "Approval of certificate signing requests is minimised", checks.High,
		"Approving CSRs lets a subject issue client certificates, for example for a node or a privileged group.",
		"Limit update on certificatesigningrequests/approval to the controllers that approve CSRs.",
		inputs, csrApproval)
}

// csrApprovalAsks are the permissions the control looks for.
var csrApprovalAsks = []ask{
	req("update", "certificates.k8s.io", "certificatesigningrequests", "approval", true),
	req("patch", "certificates.k8s.io", "certificatesigningrequests", "approval", true),
}

func csrApproval(snap *snapshot.Snapshot) []checks.Result {
	return judgeGrants(snap, csrApprovalAsks, "no update or patch on certificatesigningrequests/approval")
}
