package controlplane

import (
	"testing"

	"github.com/kubeposture/kubeposture/checks"
)

var _ = func() bool {
	componentControls["KP-CP-013"] = componentControl{component: apiserver, cis: "1.2.12", eval: serviceAccountPlugin}
	return true
}()

func TestServiceAccountPlugin(t *testing.T) {
	runComponentCases(t, apiserver, serviceAccountPlugin, []cpCase{
		{name: "absent: default set", args: nil, want: checks.Pass, observed: "ServiceAccount"},
		{name: "enabled", args: []string{"--enable-admission-plugins=ServiceAccount"}, want: checks.Pass},
		{name: "enabled among others, repeated flag", args: []string{"--enable-admission-plugins=NodeRestriction", "--enable-admission-plugins=PodSecurity,ServiceAccount"}, want: checks.Pass, observed: "accumulate"},
		{name: "disabled", args: []string{"--disable-admission-plugins=ServiceAccount"}, want: checks.Fail},
		{name: "admission-control replaces the set, without it", args: []string{"--admission-control=NamespaceExists"}, want: checks.Fail, observed: "replaces"},
		{name: "admission-control with it", args: []string{"--admission-control=ServiceAccount"}, want: checks.Pass},
		{name: "admission-control with enable: refuses to start", args: []string{"--admission-control=ServiceAccount", "--enable-admission-plugins=ServiceAccount"}, want: checks.Fail, observed: "mutually exclusive"},
		{name: "substring is not the plugin", args: []string{"--enable-admission-plugins=XServiceAccount"}, want: checks.Pass},
	})
}
