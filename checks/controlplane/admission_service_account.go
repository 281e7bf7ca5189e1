/*
The admission plugin ServiceAccount must be on. It is on by default: only --disable-admission-plugins or a --admission-control list without it turns it off.

Source: CIS Kubernetes Benchmark 1.2.12. Effective set as computed by componentflags.EffectiveAdmission from k8s.io/kubernetes pkg/kubeapiserver/options/plugins.go (DefaultOffAdmissionPlugins: ServiceAccount is default-on in v1.37) and k8s.io/apiserver pkg/server/options/admission.go (enabledPluginNames).

Reads: kube-apiserver --enable-admission-plugins, --disable-admission-plugins (both lists accumulate across repeats), --admission-control (deprecated; replaces the set).

Allowed values: ServiceAccount in the effective set, compared by exact name. Flags the apiserver refuses (--admission-control with the others, a plugin both enabled and disabled, a list pflag cannot read) FAIL.
*/

package controlplane

import (
	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	register("KP-CP-013", "1.2.12", "API server runs the ServiceAccount admission plugin", checks.High,
		"The ServiceAccount plugin assigns each pod a service account and enforces that it exists.",
		fix("Remove ServiceAccount from --disable-admission-plugins (or add it to --admission-control)", manifestAPIServer),
		serviceAccountPlugin)
}

func serviceAccountPlugin(snap *snapshot.Snapshot) []checks.Result {
	return eachComponent(snap, apiserver, func(c *snapshot.Component) checks.Result {
		return requirePlugin(c, "ServiceAccount", true)
	})
}
