// Few subjects may get, list or watch secrets.
//
// Source: CIS Kubernetes Benchmark 1.12, 5.1.2 (manual there: "minimize"; the cluster's RBAC answers it).
// Matching is the API server's (package internal/authz: component-helpers validation.Covers, aggregated
// ClusterRoles resolved).
//
// Reads: Roles, ClusterRoles, RoleBindings, ClusterRoleBindings. Asks get, list and watch on secrets (core group), in the binding's namespace for a RoleBinding and cluster-wide for a ClusterRoleBinding; rules limited by resourceNames do not grant list or watch, nor get of every secret, and are not reported.
//
// Allowed values: no binding grants get, list or watch on secrets. Each binding that grants it (Kubernetes' own bootstrap bindings
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
			ID:          "KP-RBAC-002",
			Title:       "Access to secrets is minimised",
			Layer:       checks.ControlPlane,
			Severity:    checks.High,
			Description: "Reading secrets yields service-account tokens and credentials, often a direct path to more privilege.",
			Remediation: "Limit get/list/watch on secrets to the subjects that need them, by resourceNames where possible, and remove the others' bindings.",
			References:  checks.References{CIS: []string{"5.1.2"}},
		},
		Inputs:   inputs,
		Evaluate: secretsAccess,
	})
}

// secretsAccessAsks are the permissions the control looks for.
var secretsAccessAsks = []ask{
	req("get", "", "secrets", "", false),
	req("list", "", "secrets", "", false),
	req("watch", "", "secrets", "", false),
}

func secretsAccess(snap *snapshot.Snapshot) []checks.Result {
	return judgeGrants(snap, secretsAccessAsks, "no get, list or watch on secrets")
}
