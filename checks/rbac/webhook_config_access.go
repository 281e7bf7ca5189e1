// Few subjects may write admission webhook configurations.
//
// Source: CIS Kubernetes Benchmark 1.12, 5.1.12 (manual there: "minimize"; the cluster's RBAC answers it).
// Matching is the API server's (package internal/authz: component-helpers validation.Covers, aggregated
// ClusterRoles resolved).
//
// Reads: Roles, ClusterRoles, RoleBindings, ClusterRoleBindings. Asks create, update, patch and delete on validatingwebhookconfigurations and mutatingwebhookconfigurations (admissionregistration.k8s.io, cluster-scoped).
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
			ID:          "KP-RBAC-012",
			Title:       "Write access to admission webhook configurations is minimised",
			Layer:       checks.ControlPlane,
			Severity:    checks.High,
			Description: "A webhook sees, and a mutating one rewrites, every object it is sent, secrets included; deleting one removes a policy.",
			Remediation: "Limit write access to webhook configurations to administrators and the operators that own them.",
			References:  checks.References{CIS: []string{"5.1.12"}},
		},
		Inputs:   inputs,
		Evaluate: webhookConfigAccess,
	})
}

// webhookConfigAccessAsks are the permissions the control looks for.
var webhookConfigAccessAsks = []ask{
	req("create", "admissionregistration.k8s.io", "validatingwebhookconfigurations", "", true),
	req("update", "admissionregistration.k8s.io", "validatingwebhookconfigurations", "", true),
	req("patch", "admissionregistration.k8s.io", "validatingwebhookconfigurations", "", true),
	req("delete", "admissionregistration.k8s.io", "validatingwebhookconfigurations", "", true),
	req("create", "admissionregistration.k8s.io", "mutatingwebhookconfigurations", "", true),
	req("update", "admissionregistration.k8s.io", "mutatingwebhookconfigurations", "", true),
	req("patch", "admissionregistration.k8s.io", "mutatingwebhookconfigurations", "", true),
	req("delete", "admissionregistration.k8s.io", "mutatingwebhookconfigurations", "", true),
}

func webhookConfigAccess(snap *snapshot.Snapshot) []checks.Result {
	return judgeGrants(snap, webhookConfigAccessAsks, "no write on admission webhook configurations")
}
