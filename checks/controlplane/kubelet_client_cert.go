/*
The API server must present a client certificate to kubelets.

Source: CIS Kubernetes Benchmark 1.2.4. k8s.io/kubernetes pkg/kubeapiserver/options (KubeletConfig: TLSClientConfig unset by default).

Reads: kube-apiserver --kubelet-client-certificate and --kubelet-client-key.

Allowed values: both set to a non-empty path. Either absent or empty FAILs.
*/

package controlplane

import (
	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	register("KP-CP-008", "1.2.4", "API server authenticates to kubelets with a client certificate", checks.High,
		"Without a client certificate the API server cannot authenticate to kubelets, which must then accept unauthenticated requests.",
		fix("Set --kubelet-client-certificate and --kubelet-client-key", manifestAPIServer),
		kubeletClientCert)
}

func kubeletClientCert(snap *snapshot.Snapshot) []checks.Result {
	return eachComponent(snap, apiserver, func(c *snapshot.Component) checks.Result {
		return requirePresent(c, "kubelet-client-certificate", "kubelet-client-key")
	})
}
