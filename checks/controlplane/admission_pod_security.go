/*
The admission plugin PodSecurity must be on: it is what enforces the namespaces'
pod-security.kubernetes.io labels. It is on by default; --disable-admission-plugins or an
--admission-control list without it turns it off, and every label becomes decoration.

Source: Kubernetes documentation, "Pod Security Admission"; CIS Kubernetes Benchmark 1.12 5.2.1
("at least one active policy control mechanism"). Effective set as computed by
componentflags.EffectiveAdmission (PodSecurity is default-on in v1.37, k8s.io/kubernetes
pkg/kubeapiserver/options/plugins.go).

Reads: kube-apiserver --enable-admission-plugins, --disable-admission-plugins,
--admission-control.

Allowed values: PodSecurity in the effective set, compared by exact name.
*/

package controlplane

import (
	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	register("KP-CP-051", "5.2.1", "API server runs the PodSecurity admission plugin", checks.High,
		"The PodSecurity plugin enforces the Pod Security Standards labels of each namespace; without it they are ignored.",
		fix("Remove PodSecurity from --disable-admission-plugins (or add it to --admission-control)", manifestAPIServer),
		podSecurityPlugin)
}

func podSecurityPlugin(snap *snapshot.Snapshot) []checks.Result {
	return eachComponent(snap, apiserver, func(c *snapshot.Component) checks.Result {
		return requirePlugin(c, "PodSecurity", true)
	})
}
