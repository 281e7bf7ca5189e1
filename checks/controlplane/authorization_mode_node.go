/*
The API server's authorizer chain must include the Node authorizer.

Source: CIS Kubernetes Benchmark 1.12, 1.2.7. Default from k8s.io/kubernetes
pkg/kubeapiserver/options/authorization.go (no mode means AlwaysAllow, which lacks Node).

Reads: kube-apiserver --authorization-mode (a comma list; repeats accumulate),
--authorization-config.

Allowed values: a list with the exact token Node ("NodeRestriction", an admission plugin, is
not it). Absent fails; with --authorization-config the chain is the authorizers of that AuthorizationConfiguration, in order, when a copy is
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
			ID:       "KP-CP-003",
			Title:    "API server authorization mode includes Node",
			Layer:    checks.ControlPlane,
			Severity: checks.High,
			Description: "The Node authorizer limits each kubelet to the objects of the pods bound to its own " +
				"node; without it a kubelet's credentials can read other nodes' secrets, depending on RBAC alone.",
			Remediation: "Add Node to --authorization-mode (e.g. --authorization-mode=Node,RBAC) in " +
				"/etc/kubernetes/manifests/kube-apiserver.yaml on each control-plane node, and enable the " +
				"NodeRestriction admission plugin with it.",
			References: checks.References{CIS: []string{"1.2.7"}},
		},
		AnyInputs: sources,
		Evaluate:  authorizationModeNode,
	})
}

func authorizationModeNode(snap *snapshot.Snapshot) []checks.Result {
	return eachAPIServer(snap, func(c *snapshot.Component) checks.Result {
		return judgeModes(snap, c, "Node in the mode list", func(modes []string) bool {
			return slices.Contains(modes, modeNode)
		})
	})
}
