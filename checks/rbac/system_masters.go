// The system:masters group should not be used.
//
// Source: CIS Kubernetes Benchmark 1.12, 5.1.7 (manual there). Members of system:masters are
// allowed everything before RBAC is asked (k8s.io/apiserver pkg/authorization/
// authorizerfactory: the privileged group), and the group can only be held through a client
// certificate with O=system:masters or a static token, which RBAC cannot revoke.
//
// Reads: RoleBindings and ClusterRoleBindings that name the group (Kubernetes' own bootstrap
// binding "cluster-admin" excepted).
//
// Allowed values: none. A binding to system:masters is a WARN (it has no effect, but shows the
// group in use). Certificates with O=system:masters are not visible through the API: without
// such a binding the control is MANUAL, saying what to check.

package rbac

import (
	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/internal/authz"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:          "KP-RBAC-007",
			Title:       "The system:masters group is not used",
			Layer:       checks.ControlPlane,
			Severity:    checks.Medium,
			Description: "system:masters bypasses RBAC and cannot be revoked short of rotating the cluster CA: a leaked certificate in it is permanent cluster-admin.",
			Remediation: "Issue day-to-day credentials without O=system:masters and bind them to roles; keep system:masters for break-glass only (kubeadm's super-admin.conf).",
			References:  checks.References{CIS: []string{"5.1.7"}},
		},
		Inputs:   inputs,
		Evaluate: systemMasters,
	})
}

func systemMasters(snap *snapshot.Snapshot) []checks.Result {
	e := evaluator(snap)
	var out []checks.Result
	for _, b := range e.Bindings {
		if b.Default {
			continue
		}
		for _, s := range b.Subjects {
			if s.Kind == "Group" && s.Name == authz.Masters {
				out = append(out, checks.Result{Status: checks.Warn, Resource: bindingResource(b), Evidence: checks.Evidence{
					Where: b.ID() + " subjects", Observed: "Group system:masters bound to " + b.Role(), Expected: "no use of system:masters"}})
				break
			}
		}
	}
	if len(out) == 0 {
		return []checks.Result{{Status: checks.Manual, Resource: checks.Resource{Kind: "Cluster"},
			Evidence: checks.Evidence{Where: "client certificates and static tokens", Observed: "no binding names system:masters", Expected: "no credential in system:masters"},
			Reason:   "membership comes from client certificates (O=system:masters) and static tokens, which the API does not list: check the certificates your CA issued and kubeconfig files in use"}}
	}
	return out
}
