/*
kube-apiserver --service-account-extend-token-expiration must be false.

Source: CIS Kubernetes Benchmark 1.2.30. Default true from k8s.io/kubernetes pkg/kubeapiserver/options/authentication.go (ServiceAccounts.ExtendExpiration = true).

Reads: kube-apiserver --service-account-extend-token-expiration (last occurrence wins).

Allowed values: false, in any spelling strconv.ParseBool reads. Absent is the default (true). A value that is not a boolean FAILs.
*/

package controlplane

import (
	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	register("KP-CP-028", "1.2.30", "API server does not extend projected token lifetimes", checks.Low,
		"With the extension on, projected service-account tokens are valid for a year instead of their requested lifetime, which widens the window of a stolen token.",
		fix("Set --service-account-extend-token-expiration=false", manifestAPIServer),
		serviceAccountExtendTokenExpiration)
}

func serviceAccountExtendTokenExpiration(snap *snapshot.Snapshot) []checks.Result {
	return eachComponent(snap, apiserver, func(c *snapshot.Component) checks.Result {
		return requireBool(c, "service-account-extend-token-expiration", false)
	})
}
