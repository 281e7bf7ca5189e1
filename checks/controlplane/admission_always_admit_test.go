package controlplane

import (
	"testing"

	"github.com/kubeposture/kubeposture/checks"
)

var _ = func() bool {
	componentControls["KP-CP-011"] = componentControl{component: apiserver, cis: "1.2.10", eval: alwaysAdmit}
	return true
}()

func TestAlwaysAdmit(t *testing.T) {
	runComponentCases(t, apiserver, alwaysAdmit, []cpCase{
		{name: "absent: default set", args: nil, want: checks.Pass, observed: "AlwaysAdmit"},
		{name: "enabled", args: []string{"--enable-admission-plugins=AlwaysAdmit"}, want: checks.Fail},
		{name: "enabled among others, repeated flag", args: []string{"--enable-admission-plugins=NodeRestriction", "--enable-admission-plugins=PodSecurity,AlwaysAdmit"}, want: checks.Fail, observed: "accumulate"},
		{name: "disabled", args: []string{"--disable-admission-plugins=AlwaysAdmit"}, want: checks.Pass},
		{name: "admission-control replaces the set, without it", args: []string{"--admission-control=NamespaceExists"}, want: checks.Pass, observed: "replaces"},
		{name: "admission-control with it", args: []string{"--admission-control=AlwaysAdmit"}, want: checks.Fail},
		{name: "admission-control with enable: refuses to start", args: []string{"--admission-control=AlwaysAdmit", "--enable-admission-plugins=AlwaysAdmit"}, want: checks.Fail, observed: "mutually exclusive"},
		{name: "substring is not the plugin", args: []string{"--enable-admission-plugins=XAlwaysAdmit"}, want: checks.Pass},
	})
}
