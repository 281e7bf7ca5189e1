// Few subjects may create service-account tokens.
//
// Source: CIS Kubernetes Benchmark 1.12, 5.1.13 (manual there: "minimize"; the cluster's RBAC answers it).
// Matching is the API server's (package internal/authz: component-helpers validation.Covers, aggregated
// ClusterRoles resolved).
//
// Reads: Roles, ClusterRoles, RoleBindings, ClusterRoleBindings. Asks create on serviceaccounts/token (core group).
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
			ID:          "KP-RBAC-013",
			Title:       "Service-account token creation is minimised",
			Layer:       checks.ControlPlane,
			Severity:    checks.High,
			Description: "Creating a token for a service account lets a subject act with that account's permissions.",
			Remediation: "Limit create on serviceaccounts/token to the components that need it, by resourceNames where possible.",
			References:  checks.References{CIS: []string{"5.1.13"}},
		},
		Inputs:   inputs,
		Evaluate: serviceAccountTokenCreation,
	})
}

// serviceAccountTokenCreationAsks are the permissions the control looks for.
var serviceAccountTokenCreationAsks = []ask{
	req("create", "", "serviceaccounts", "token", false),
}

func serviceAccountTokenCreation(snap *snapshot.Snapshot) []checks.Result {
	return judgeGrants(snap, serviceAccountTokenCreationAsks, "no create on serviceaccounts/token")
}
