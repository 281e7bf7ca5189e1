package controlplane

import (
	"testing"

	"github.com/kubeposture/kubeposture/checks"
)

var _ = func() bool {
	componentControls["KP-CP-012"] = componentControl{component: apiserver, cis: "1.2.11", eval: alwaysPullImages}
	return true
}()

func TestAlwaysPullImages(t *testing.T) {
	runComponentCases(t, apiserver, alwaysPullImages, []cpCase{
		{name: "absent: default set", args: nil, want: checks.Fail, observed: "AlwaysPullImages"},
		{name: "enabled", args: []string{"--enable-admission-plugins=AlwaysPullImages"}, want: checks.Pass},
		{name: "enabled among others, repeated flag", args: []string{"--enable-admission-plugins=NodeRestriction", "--enable-admission-plugins=PodSecurity,AlwaysPullImages"}, want: checks.Pass, observed: "accumulate"},
		{name: "disabled", args: []string{"--disable-admission-plugins=AlwaysPullImages"}, want: checks.Fail},
		{name: "admission-control replaces the set, without it", args: []string{"--admission-control=NamespaceExists"}, want: checks.Fail, observed: "replaces"},
		{name: "admission-control with it", args: []string{"--admission-control=AlwaysPullImages"}, want: checks.Pass},
		{name: "admission-control with enable: refuses to start", args: []string{"--admission-control=AlwaysPullImages", "--enable-admission-plugins=AlwaysPullImages"}, want: checks.Fail, observed: "mutually exclusive"},
		{name: "substring is not the plugin", args: []string{"--enable-admission-plugins=XAlwaysPullImages"}, want: checks.Fail},
	})
}
