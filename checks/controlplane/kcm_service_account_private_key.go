/*
The controller manager must be given the key that signs service-account tokens.

Source: CIS Kubernetes Benchmark 1.3.4. k8s.io/kubernetes cmd/kube-controller-manager/app/options (SAController.ServiceAccountKeyFile unset: the token controller does not sign tokens).

Reads: kube-controller-manager --service-account-private-key-file.

Allowed values: set to a non-empty path.
*/

package controlplane

import (
	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	register("KP-CP-031", "1.3.4", "Controller manager signs service-account tokens with a dedicated key", checks.Medium,
		"The private key must be set so that service-account tokens can be signed and the key rotated on its own.",
		fix("Set --service-account-private-key-file", manifestKCM),
		kcmServiceAccountPrivateKey)
}

func kcmServiceAccountPrivateKey(snap *snapshot.Snapshot) []checks.Result {
	return eachComponent(snap, controllerManager, func(c *snapshot.Component) checks.Result {
		return requirePresent(c, "service-account-private-key-file")
	})
}
