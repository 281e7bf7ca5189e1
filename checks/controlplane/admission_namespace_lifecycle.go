/*
The admission plugin NamespaceLifecycle must be on. It is on by default.

Source: CIS Kubernetes Benchmark 1.2.13. Effective set as computed by componentflags.EffectiveAdmission from k8s.io/kubernetes pkg/kubeapiserver/options/plugins.go (DefaultOffAdmissionPlugins: NamespaceLifecycle is default-on in v1.37) and k8s.io/apiserver pkg/server/options/admission.go (enabledPluginNames).

Reads: kube-apiserver --enable-admission-plugins, --disable-admission-plugins (both lists accumulate across repeats), --admission-control (deprecated; replaces the set).

Allowed values: NamespaceLifecycle in the effective set, compared by exact name. Flags the apiserver refuses (--admission-control with the others, a plugin both enabled and disabled, a list pflag cannot read) FAIL.
*/

package controlplane

import (
	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	register("KP-CP-014", "1.2.13", "API server runs the NamespaceLifecycle admission plugin", checks.High,
		"NamespaceLifecycle refuses objects in namespaces that do not exist or are being deleted.",
		fix("Remove NamespaceLifecycle from --disable-admission-plugins (or add it to --admission-control)", manifestAPIServer),
		namespaceLifecycle)
}

func namespaceLifecycle(snap *snapshot.Snapshot) []checks.Result {
	return eachComponent(snap, apiserver, func(c *snapshot.Component) checks.Result {
		return requirePlugin(c, "NamespaceLifecycle", true)
	})
}
