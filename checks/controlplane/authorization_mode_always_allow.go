/*
The API server's authorizer chain must not contain AlwaysAllow.

Source: CIS Kubernetes Benchmark 1.12, 1.2.6. Default from k8s.io/kubernetes
pkg/kubeapiserver/options/authorization.go (BuiltInAuthorizationOptions.Complete: no mode and
no --authorization-config means AlwaysAllow).

Reads: kube-apiserver --authorization-mode (a comma list; repeats accumulate),
--authorization-config.

Allowed values: any list whose tokens, compared exactly and case-sensitively as the apiserver
does, do not include AlwaysAllow ("AlwaysAllowX" is not AlwaysAllow). "RBAC,AlwaysAllow"
fails: the chain asks each authorizer in turn until one decides, Node and RBAC never deny, so
AlwaysAllow allows everything they do not. Absent or empty is AlwaysAllow (FAIL), unless --authorization-config is set: then the chain is the authorizers of that AuthorizationConfiguration, in order, when a copy is
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
			ID:       "KP-CP-002",
			Title:    "API server authorization mode is not AlwaysAllow",
			Layer:    checks.ControlPlane,
			Severity: checks.Critical,
			Description: "AlwaysAllow authorizes every request that reaches it, so any authenticated (or " +
				"anonymous) client can do anything. It is the default when --authorization-mode is not set.",
			Remediation: "Set --authorization-mode=Node,RBAC (without AlwaysAllow) in " +
				"/etc/kubernetes/manifests/kube-apiserver.yaml on each control-plane node.",
			References: checks.References{CIS: []string{"1.2.6"}},
		},
		AnyInputs: sources,
		Evaluate:  authorizationModeNotAlwaysAllow,
	})
}

func authorizationModeNotAlwaysAllow(snap *snapshot.Snapshot) []checks.Result {
	return eachAPIServer(snap, func(c *snapshot.Component) checks.Result {
		return judgeModes(snap, c, "no AlwaysAllow in the mode list", func(modes []string) bool {
			return !slices.Contains(modes, modeAlwaysAllow)
		})
	})
}
