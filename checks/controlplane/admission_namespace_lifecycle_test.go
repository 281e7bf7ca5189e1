package controlplane

import (
	"testing"

	"github.com/kubeposture/kubeposture/checks"
)

var _ = func() bool {
	componentControls["KP-CP-014"] = componentControl{component: apiserver, cis: "1.2.13", eval: namespaceLifecycle}
	return true
}()

func TestNamespaceLifecycle(t *testing.T) {
	runComponentCases(t, apiserver, namespaceLifecycle, []cpCase{
		{name: "absent: default set", args: nil, want: checks.Pass, observed: "NamespaceLifecycle"},
		{name: "enabled", args: []string{"--enable-admission-plugins=NamespaceLifecycle"}, want: checks.Pass},
		{name: "enabled among others, repeated flag", args: []string{"--enable-admission-plugins=NodeRestriction", "--enable-admission-plugins=PodSecurity,NamespaceLifecycle"}, want: checks.Pass, observed: "accumulate"},
		{name: "disabled", args: []string{"--disable-admission-plugins=NamespaceLifecycle"}, want: checks.Fail},
		{name: "admission-control replaces the set, without it", args: []string{"--admission-control=NamespaceExists"}, want: checks.Fail, observed: "replaces"},
		{name: "admission-control with it", args: []string{"--admission-control=NamespaceLifecycle"}, want: checks.Pass},
		{name: "admission-control with enable: refuses to start", args: []string{"--admission-control=NamespaceLifecycle", "--enable-admission-plugins=NamespaceLifecycle"}, want: checks.Fail, observed: "mutually exclusive"},
		{name: "substring is not the plugin", args: []string{"--enable-admission-plugins=XNamespaceLifecycle"}, want: checks.Pass},
	})
}
