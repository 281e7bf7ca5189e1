/*
The admission plugin AlwaysAdmit must be off. It is off by default.

Source: CIS Kubernetes Benchmark 1.2.10. Effective set as computed by componentflags.EffectiveAdmission from k8s.io/kubernetes pkg/kubeapiserver/options/plugins.go (DefaultOffAdmissionPlugins: AlwaysAdmit is default-off in v1.37) and k8s.io/apiserver pkg/server/options/admission.go (enabledPluginNames).

Reads: kube-apiserver --enable-admission-plugins, --disable-admission-plugins (both lists accumulate across repeats), --admission-control (deprecated; replaces the set).

Allowed values: AlwaysAdmit not in the effective set, compared by exact name. Flags the apiserver refuses (--admission-control with the others, a plugin both enabled and disabled, a list pflag cannot read) FAIL.
*/

package controlplane

import (
	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	register("KP-CP-011", "1.2.10", "API server does not run the AlwaysAdmit plugin", checks.High,
		"AlwaysAdmit admits every request, whatever the other plugins say.",
		fix("Remove AlwaysAdmit from --enable-admission-plugins (or --admission-control)", manifestAPIServer),
		alwaysAdmit)
}

func alwaysAdmit(snap *snapshot.Snapshot) []checks.Result {
	return eachComponent(snap, apiserver, func(c *snapshot.Component) checks.Result {
		return requirePlugin(c, "AlwaysAdmit", false)
	})
}
