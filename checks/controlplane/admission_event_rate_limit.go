/*
The admission plugin EventRateLimit must be on. It also needs a configuration file, which is not checked here.

Source: CIS Kubernetes Benchmark 1.2.9. Effective set as computed by componentflags.EffectiveAdmission from k8s.io/kubernetes pkg/kubeapiserver/options/plugins.go (DefaultOffAdmissionPlugins: EventRateLimit is default-off in v1.37) and k8s.io/apiserver pkg/server/options/admission.go (enabledPluginNames).

Reads: kube-apiserver --enable-admission-plugins, --disable-admission-plugins (both lists accumulate across repeats), --admission-control (deprecated; replaces the set).

Allowed values: EventRateLimit in the effective set, compared by exact name. Flags the apiserver refuses (--admission-control with the others, a plugin both enabled and disabled, a list pflag cannot read) FAIL.
*/

package controlplane

import (
	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	register("KP-CP-010", "1.2.9", "API server limits the rate of events", checks.Low,
		"EventRateLimit keeps a flood of events from overloading the API server and etcd.",
		fix("Add EventRateLimit to --enable-admission-plugins and give it a configuration with --admission-control-config-file", manifestAPIServer),
		eventRateLimit)
}

func eventRateLimit(snap *snapshot.Snapshot) []checks.Result {
	return eachComponent(snap, apiserver, func(c *snapshot.Component) checks.Result {
		return requirePlugin(c, "EventRateLimit", true)
	})
}
