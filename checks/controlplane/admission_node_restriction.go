/*
The admission plugin NodeRestriction must be on. It is off by default: it must be enabled explicitly.

Source: CIS Kubernetes Benchmark 1.2.14. Effective set as computed by componentflags.EffectiveAdmission from k8s.io/kubernetes pkg/kubeapiserver/options/plugins.go (DefaultOffAdmissionPlugins: NodeRestriction is default-off in v1.37) and k8s.io/apiserver pkg/server/options/admission.go (enabledPluginNames).

Reads: kube-apiserver --enable-admission-plugins, --disable-admission-plugins (both lists accumulate across repeats), --admission-control (deprecated; replaces the set).

Allowed values: NodeRestriction in the effective set, compared by exact name. Flags the apiserver refuses (--admission-control with the others, a plugin both enabled and disabled, a list pflag cannot read) FAIL.
*/

package controlplane

import (
	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	register("KP-CP-015", "1.2.14", "API server runs the NodeRestriction admission plugin", checks.High,
		"NodeRestriction limits each kubelet to its own Node and the pods bound to it; without it a compromised node can modify every node and pod.",
		fix("Add NodeRestriction to --enable-admission-plugins", manifestAPIServer),
		nodeRestriction)
}

func nodeRestriction(snap *snapshot.Snapshot) []checks.Result {
	return eachComponent(snap, apiserver, func(c *snapshot.Component) checks.Result {
		return requirePlugin(c, "NodeRestriction", true)
	})
}
