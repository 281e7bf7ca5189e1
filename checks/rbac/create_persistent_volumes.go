// Few subjects may create persistent volumes.
//
// Source: CIS Kubernetes Benchmark 1.12, 5.1.9 (manual there: "minimize"; the cluster's RBAC answers it).
// Matching is the API server's (package internal/authz: component-helpers validation.Covers, aggregated
// ClusterRoles resolved).
//
// Reads: Roles, ClusterRoles, RoleBindings, ClusterRoleBindings. Asks create on persistentvolumes (core group, cluster-scoped: only ClusterRoleBindings grant it).
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
			ID:          "KP-RBAC-009",
			Title:       "Persistent volume creation is minimised",
			Layer:       checks.ControlPlane,
			Severity:    checks.Medium,
			Description: "A persistent volume can point at any hostPath, which gives a pod that claims it the node's file system.",
			Remediation: "Grant create on persistentvolumes only to provisioners and administrators.",
			References:  checks.References{CIS: []string{"5.1.9"}},
		},
		Inputs:   inputs,
		Evaluate: createPersistentVolumes,
	})
}

// createPersistentVolumesAsks are the permissions the control looks for.
var createPersistentVolumesAsks = []ask{
	req("create", "", "persistentvolumes", "", true),
}

func createPersistentVolumes(snap *snapshot.Snapshot) []checks.Result {
	return judgeGrants(snap, createPersistentVolumesAsks, "no create on persistentvolumes")
}
