/*
The API server must not authenticate with a static token file.

Source: CIS Kubernetes Benchmark 1.2.2. k8s.io/kubernetes pkg/kubeapiserver/options/authentication.go (TokenFileAuthenticationOptions: unset by default).

Reads: kube-apiserver --token-auth-file (last occurrence wins).

Allowed values: absent, or set to an empty value (no token file is read). Any path FAILs.
*/

package controlplane

import (
	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	register("KP-CP-006", "1.2.2", "API server does not use a static token file", checks.High,
		"Tokens in --token-auth-file never expire and can only be changed by restarting the API server.",
		fix("Remove --token-auth-file and use client certificates, OIDC or service-account tokens instead", manifestAPIServer),
		tokenAuthFile)
}

func tokenAuthFile(snap *snapshot.Snapshot) []checks.Result {
	return eachComponent(snap, apiserver, func(c *snapshot.Component) checks.Result {
		return requireAbsent(c, "token-auth-file")
	})
}
