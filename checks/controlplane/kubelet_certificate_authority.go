/*
The API server must verify the kubelet's serving certificate.

Source: CIS Kubernetes Benchmark 1.2.5. k8s.io/kubernetes pkg/kubeapiserver/options (KubeletConfig.TLSClientConfig.CAFile unset by default: the kubelet certificate is not verified).

Reads: kube-apiserver --kubelet-certificate-authority.

Allowed values: set to a non-empty path.
*/

package controlplane

import (
	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	register("KP-CP-009", "1.2.5", "API server verifies kubelets' serving certificates", checks.High,
		"Without a CA the API server does not verify the kubelet it talks to, so exec, logs and port-forward traffic can be intercepted.",
		fix("Set --kubelet-certificate-authority to the CA that signs the kubelet serving certificates", manifestAPIServer),
		kubeletCertificateAuthority)
}

func kubeletCertificateAuthority(snap *snapshot.Snapshot) []checks.Result {
	return eachComponent(snap, apiserver, func(c *snapshot.Component) checks.Result {
		return requirePresent(c, "kubelet-certificate-authority")
	})
}
