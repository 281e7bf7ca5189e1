package controlplane

import (
	"testing"

	"github.com/kubeposture/kubeposture/checks"
)

var _ = func() bool {
	componentControls["KP-CP-007"] = componentControl{component: apiserver, cis: "1.2.3", eval: denyServiceExternalIPs}
	return true
}()

func TestDenyServiceExternalIPs(t *testing.T) {
	runComponentCases(t, apiserver, denyServiceExternalIPs, []cpCase{
		{name: "absent: default set", args: nil, want: checks.Fail, observed: "DenyServiceExternalIPs"},
		{name: "enabled", args: []string{"--enable-admission-plugins=DenyServiceExternalIPs"}, want: checks.Pass},
		{name: "enabled among others, repeated flag", args: []string{"--enable-admission-plugins=NodeRestriction", "--enable-admission-plugins=PodSecurity,DenyServiceExternalIPs"}, want: checks.Pass, observed: "accumulate"},
		{name: "disabled", args: []string{"--disable-admission-plugins=DenyServiceExternalIPs"}, want: checks.Fail},
		{name: "admission-control replaces the set, without it", args: []string{"--admission-control=NamespaceExists"}, want: checks.Fail, observed: "replaces"},
		{name: "admission-control with it", args: []string{"--admission-control=DenyServiceExternalIPs"}, want: checks.Pass},
		{name: "admission-control with enable: refuses to start", args: []string{"--admission-control=DenyServiceExternalIPs", "--enable-admission-plugins=DenyServiceExternalIPs"}, want: checks.Fail, observed: "mutually exclusive"},
		{name: "substring is not the plugin", args: []string{"--enable-admission-plugins=XDenyServiceExternalIPs"}, want: checks.Fail},
	})
}
