/*
The API server's authorizer chain must include RBAC.

Source: CIS Kubernetes Benchmark 1.12, 1.2.8. Default from k8s.io/kubernetes
pkg/kubeapiserver/options/authorization.go (no mode means AlwaysAllow, which lacks RBAC).

Reads: kube-apiserver --authorization-mode (a comma list; repeats accumulate),
--authorization-config.

Allowed values: a list with the exact, case-sensitive token RBAC. Absent fails; with --authorization-config the chain is the authorizers of that AuthorizationConfiguration, in order, when a copy is
given to audit (audit scan --authorization-config); without it NOT_EVALUATED; with
--authorization-mode too the apiserver refuses to start (FAIL).
*/

package controlplane

import (
	"slices"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:       "KP-CP-004",
			Title:    "API server authorization mode includes RBAC",
			Layer:    checks.ControlPlane,
			Severity: checks.High,
			Description: "RBAC is what Roles and ClusterRoles are enforced by; without it in the chain, the " +
				"cluster's RBAC objects grant and restrict nothing.",
			Remediation: "Add RBAC to --authorization-mode (e.g. --authorization-mode=Node,RBAC) in " +
				"/etc/kubernetes/manifests/kube-apiserver.yaml on each control-plane node.",
			References: checks.References{CIS: []string{"1.2.8"}},
		},
		AnyInputs: sources,
		Evaluate:  authorizationModeRBAC,
	})
}

func authorizationModeRBAC(snap *snapshot.Snapshot) []checks.Result {
	return eachAPIServer(snap, func(c *snapshot.Component) checks.Result {
		return judgeModes(snap, c, "RBAC in the mode list", func(modes []string) bool {
			return slices.Contains(modes, modeRBAC)
		})
	})
}
