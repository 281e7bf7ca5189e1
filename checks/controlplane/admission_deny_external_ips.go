/*
The admission plugin DenyServiceExternalIPs must be on. CIS 1.7+ asks for it to be set (older versions said the opposite).

Source: CIS Kubernetes Benchmark 1.2.3. Effective set as computed by componentflags.EffectiveAdmission from k8s.io/kubernetes pkg/kubeapiserver/options/plugins.go (DefaultOffAdmissionPlugins: DenyServiceExternalIPs is default-off in v1.37) and k8s.io/apiserver pkg/server/options/admission.go (enabledPluginNames).

Reads: kube-apiserver --enable-admission-plugins, --disable-admission-plugins (both lists accumulate across repeats), --admission-control (deprecated; replaces the set).

Allowed values: DenyServiceExternalIPs in the effective set, compared by exact name. Flags the apiserver refuses (--admission-control with the others, a plugin both enabled and disabled, a list pflag cannot read) FAIL.
*/

package controlplane

import (
	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	register("KP-CP-007", "1.2.3", "API server denies new Service externalIPs", checks.Medium,
		"Without DenyServiceExternalIPs any user who can create Services can set externalIPs and intercept traffic to those addresses (CVE-2020-8554).",
		fix("Add DenyServiceExternalIPs to --enable-admission-plugins", manifestAPIServer),
		denyServiceExternalIPs)
}

func denyServiceExternalIPs(snap *snapshot.Snapshot) []checks.Result {
	return eachComponent(snap, apiserver, func(c *snapshot.Component) checks.Result {
		return requirePlugin(c, "DenyServiceExternalIPs", true)
	})
}
