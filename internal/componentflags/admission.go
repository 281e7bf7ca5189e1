package componentflags

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kubeposture/kubeposture/snapshot"
)

// DefaultOnAdmissionPlugins is the set kube-apiserver v1.37 enables when no admission flag is
// given: AllOrderedPlugins minus DefaultOffAdmissionPlugins in k8s.io/kubernetes
// pkg/kubeapiserver/options/plugins.go (the defaultOnPlugins set there). NodeRestriction,
// AlwaysPullImages, EventRateLimit, DenyServiceExternalIPs, AlwaysAdmit and AlwaysDeny are
// off.
var DefaultOnAdmissionPlugins = []string{
	"NamespaceLifecycle", "LimitRanger", "ServiceAccount", "DefaultStorageClass",
	"PersistentVolumeClaimResize", "DefaultTolerationSeconds", "MutatingAdmissionWebhook",
	"ValidatingAdmissionWebhook", "ResourceQuota", "StorageObjectInUseProtection",
	"PodGroupProtection", "Priority", "TaintNodesByCondition", "RuntimeClass",
	"CertificateApproval", "CertificateSigning", "ClusterTrustBundleAttest",
	"CertificateSubjectRestriction", "DefaultIngressClass", "PodSecurity", "PodTopologyLabels",
	"MutatingAdmissionPolicy", "ValidatingAdmissionPolicy", "NodeDeclaredFeatureValidator",
	"PodResizeValidator",
}

// Admission is the effective admission plugin set of one kube-apiserver.
type Admission struct {
	Enabled map[string]bool
	// Observed describes how the set was computed, for Evidence.Observed.
	Observed string
	// Err says why the apiserver would refuse to start with these flags.
	Err error
}

// Has reports whether plugin is in the effective set.
func (a Admission) Has(plugin string) bool { return a.Enabled[plugin] }

// EffectiveAdmission computes the plugins kube-apiserver c runs, as k8s.io/apiserver
// pkg/server/options/admission.go (enabledPluginNames) and k8s.io/kubernetes
// pkg/kubeapiserver/options/admission.go (ApplyTo, computePluginNames) do: the default-on set,
// plus --enable-admission-plugins, minus --disable-admission-plugins; the deprecated
// --admission-control replaces the whole set with its own list. Both lists are
// StringSlices (repeats accumulate). The apiserver refuses to start when --admission-control
// is combined with the other two, or a plugin is both enabled and disabled.
func EffectiveAdmission(c *snapshot.Component) Admission {
	enable := Lookup(c, "enable-admission-plugins")
	disable := Lookup(c, "disable-admission-plugins")
	legacy := Lookup(c, "admission-control")
	a := Admission{Enabled: map[string]bool{}}
	for _, v := range []Value{enable, disable, legacy} {
		if v.Err != nil {
			a.Err = fmt.Errorf("--%s: %w", v.Name, v.Err)
		}
	}
	if legacy.Set {
		for _, p := range legacy.Items {
			a.Enabled[p] = true
		}
		a.Observed = fmt.Sprintf("--admission-control=%s%s (replaces the default set)", legacy.Raw, repeats(legacy))
		if enable.Set || disable.Set {
			a.Err = fmt.Errorf("--admission-control and --enable/--disable-admission-plugins are mutually exclusive: the apiserver would refuse to start")
		}
	} else {
		for _, p := range DefaultOnAdmissionPlugins {
			a.Enabled[p] = true
		}
		for _, p := range disable.Items {
			delete(a.Enabled, p)
		}
		for _, p := range enable.Items {
			a.Enabled[p] = true
		}
		var parts []string
		for _, v := range []Value{enable, disable} {
			if v.Set {
				parts = append(parts, "--"+v.Name+"="+v.Raw+repeats(v))
			}
		}
		if len(parts) == 0 {
			parts = append(parts, "no admission flag")
		}
		a.Observed = strings.Join(parts, " ") + " over the v1.37 default-on set"
		for _, p := range enable.Items {
			if slices.Contains(disable.Items, p) {
				a.Err = fmt.Errorf("%s is both enabled and disabled: the apiserver would refuse to start", p)
			}
		}
	}
	if a.Err != nil {
		a.Observed += " (" + a.Err.Error() + ")"
	}
	return a
}

func repeats(v Value) string {
	if v.Count > 1 {
		return fmt.Sprintf(" (flag given %d times: the values accumulate)", v.Count)
	}
	return ""
}
