// cluster-admin, or a role equal to it, must be bound only where required.
//
// Source: CIS Kubernetes Benchmark 1.12, 5.1.1 (manual there). The bootstrap binding
// "cluster-admin" to system:masters is Kubernetes' own (plugin/pkg/auth/authorizer/rbac/
// bootstrappolicy) and is not reported.
//
// Reads: ClusterRoleBindings and RoleBindings whose roleRef is the ClusterRole cluster-admin, or
// whose role grants every verb on every resource of every group (the rule "*" "*" "*", matched
// with package internal/authz, so an aggregated role built up to it counts too).
//
// Allowed values: no such binding besides Kubernetes' own. Each one is a WARN (to be
// justified); a FAIL when a subject is everyone of some kind (system:authenticated, ...).
// A RoleBinding to cluster-admin grants it in one namespace only, and is still reported: it
// makes the subject owner of that namespace, RBAC included.

package rbac

import (
	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/internal/authz"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:          "KP-RBAC-001",
			Title:       "cluster-admin is bound only where required",
			Layer:       checks.ControlPlane,
			Severity:    checks.High,
			Description: "cluster-admin can do anything in the cluster; every binding to it (or to a role as broad) is a subject that owns the cluster.",
			Remediation: "Replace cluster-admin bindings with roles that grant what each subject needs; keep break-glass access outside day-to-day identities.",
			References:  checks.References{CIS: []string{"5.1.1"}, NSA: []string{"C-0035"}},
		},
		Inputs:   inputs,
		Evaluate: clusterAdmin,
	})
}

var clusterAdminAsks = []ask{{Request: authz.Request{Verb: "*", Group: "*", Resource: "*"}}}

func clusterAdmin(snap *snapshot.Snapshot) []checks.Result {
	return judgeGrants(snap, clusterAdminAsks, "cluster-admin (or every verb on every resource) bound only to Kubernetes' own subjects")
}
