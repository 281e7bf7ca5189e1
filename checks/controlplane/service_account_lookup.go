/*
kube-apiserver --service-account-lookup must be true.

Source: CIS Kubernetes Benchmark 1.2.21. Default true from k8s.io/kubernetes pkg/kubeapiserver/options/authentication.go (ServiceAccounts.Lookup = true).

Reads: kube-apiserver --service-account-lookup (last occurrence wins).

Allowed values: true, in any spelling strconv.ParseBool reads. Absent is the default (true). A value that is not a boolean FAILs.
*/

package controlplane

import (
	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	register("KP-CP-020", "1.2.21", "API server checks that service-account tokens still exist", checks.Medium,
		"Without the lookup, a token of a deleted service account (or of a deleted secret) keeps working until it expires.",
		fix("Remove --service-account-lookup=false (or set it to true)", manifestAPIServer),
		serviceAccountLookup)
}

func serviceAccountLookup(snap *snapshot.Snapshot) []checks.Result {
	return eachComponent(snap, apiserver, func(c *snapshot.Component) checks.Result {
		return requireBool(c, "service-account-lookup", true)
	})
}
