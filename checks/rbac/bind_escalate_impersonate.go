// Few subjects may bind or escalate roles, or impersonate.
//
// Source: CIS Kubernetes Benchmark 1.12, 5.1.8 (manual there: "minimize"; the cluster's RBAC answers it).
// Matching is the API server's (package internal/authz: component-helpers validation.Covers, aggregated
// ClusterRoles resolved).
//
// Reads: Roles, ClusterRoles, RoleBindings, ClusterRoleBindings. Asks bind and escalate on roles and clusterroles (rbac.authorization.k8s.io), impersonate on users, groups, serviceaccounts (core) and uids (authentication.k8s.io). Impersonating user extras (userextras/KEY) is not asked: it adds attributes to an identity already impersonated.
//
// Allowed values: no binding grants one of them. Each binding that grants it (Kubernetes' own bootstrap bindings
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
			ID:          "KP-RBAC-008",
			Title:       "Bind, escalate and impersonate are minimised",
			Layer:       checks.ControlPlane,
			Severity:    checks.High,
			Description: "bind and escalate let a subject grant permissions it does not hold; impersonate lets it act as any user or group, system:masters included.",
			Remediation: "Remove bind, escalate and impersonate from roles that do not need them; limit them by resourceNames where they are needed.",
			References:  checks.References{CIS: []string{"5.1.8"}},
		},
		Inputs:   inputs,
		Evaluate: bindEscalateImpersonate,
	})
}

// bindEscalateImpersonateAsks are the permissions the control looks for.
var bindEscalateImpersonateAsks = []ask{
	req("bind", "rbac.authorization.k8s.io", "clusterroles", "", false),
	req("bind", "rbac.authorization.k8s.io", "roles", "", false),
	req("escalate", "rbac.authorization.k8s.io", "clusterroles", "", false),
	req("escalate", "rbac.authorization.k8s.io", "roles", "", false),
	req("impersonate", "", "users", "", true),
	req("impersonate", "", "groups", "", true),
	req("impersonate", "", "serviceaccounts", "", false),
	req("impersonate", "authentication.k8s.io", "uids", "", true),
}

func bindEscalateImpersonate(snap *snapshot.Snapshot) []checks.Result {
	return judgeGrants(snap, bindEscalateImpersonateAsks, "no bind, escalate or impersonate")
}
