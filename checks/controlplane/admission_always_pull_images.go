/*
The admission plugin AlwaysPullImages must be on.

Source: CIS Kubernetes Benchmark 1.2.11. Effective set as computed by componentflags.EffectiveAdmission from k8s.io/kubernetes pkg/kubeapiserver/options/plugins.go (DefaultOffAdmissionPlugins: AlwaysPullImages is default-off in v1.37) and k8s.io/apiserver pkg/server/options/admission.go (enabledPluginNames).

Reads: kube-apiserver --enable-admission-plugins, --disable-admission-plugins (both lists accumulate across repeats), --admission-control (deprecated; replaces the set).

Allowed values: AlwaysPullImages in the effective set, compared by exact name. Flags the apiserver refuses (--admission-control with the others, a plugin both enabled and disabled, a list pflag cannot read) FAIL.
*/

package controlplane

import (
	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	register("KP-CP-012", "1.2.11", "API server forces image pulls", checks.Medium,
		"With AlwaysPullImages every pod pulls its images with its own credentials, so a private image cached on a node cannot be used by a pod without the pull secret.",
		fix("Add AlwaysPullImages to --enable-admission-plugins", manifestAPIServer),
		alwaysPullImages)
}

func alwaysPullImages(snap *snapshot.Snapshot) []checks.Result {
	return eachComponent(snap, apiserver, func(c *snapshot.Component) checks.Result {
		return requirePlugin(c, "AlwaysPullImages", true)
	})
}
