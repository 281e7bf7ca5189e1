// Few subjects may create pods.
//
// Source: CIS Kubernetes Benchmark 1.12, 5.1.4 (manual there: "minimize"; the cluster's RBAC answers it).
// Matching is the API server's (package internal/authz: component-helpers validation.Covers, aggregated
// ClusterRoles resolved).
//
// Reads: Roles, ClusterRoles, RoleBindings, ClusterRoleBindings. Asks create on pods (core group).
//
// Allowed values: no binding grants create on pods. Each binding that grants it (Kubernetes' own bootstrap bindings
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
			ID:          "KP-RBAC-004",
			Title:       "Pod creation is minimised",
			Layer:       checks.ControlPlane,
			Severity:    checks.High,
			Description: "Creating a pod lets a subject run code with any service account of the namespace, mount its secrets, and (without Pod Security) take over the node.",
			Remediation: "Grant create on pods only to the controllers and people that need it; deploy through workloads and CI instead.",
			References:  checks.References{CIS: []string{"5.1.4"}},
		},
		Inputs:   inputs,
		Evaluate: createPods,
	})
}

// createPodsAsks are the permissions the control looks for.
var createPodsAsks = []ask{
	req("create", "", "pods", "", false),
}

func createPods(snap *snapshot.Snapshot) []checks.Result {
	return judgeGrants(snap, createPodsAsks, "no create on pods")
}
