package controlplane

import (
	"testing"

	"github.com/kubeposture/kubeposture/checks"
)

var _ = func() bool {
	componentControls["KP-CP-015"] = componentControl{component: apiserver, cis: "1.2.14", eval: nodeRestriction}
	return true
}()

func TestNodeRestriction(t *testing.T) {
	runComponentCases(t, apiserver, nodeRestriction, []cpCase{
		{name: "absent: default set", args: nil, want: checks.Fail, observed: "NodeRestriction"},
		{name: "enabled", args: []string{"--enable-admission-plugins=NodeRestriction"}, want: checks.Pass},
		{name: "enabled among others, repeated flag", args: []string{"--enable-admission-plugins=NodeRestriction", "--enable-admission-plugins=PodSecurity,NodeRestriction"}, want: checks.Pass, observed: "accumulate"},
		{name: "disabled", args: []string{"--disable-admission-plugins=NodeRestriction"}, want: checks.Fail},
		{name: "admission-control replaces the set, without it", args: []string{"--admission-control=NamespaceExists"}, want: checks.Fail, observed: "replaces"},
		{name: "admission-control with it", args: []string{"--admission-control=NodeRestriction"}, want: checks.Pass},
		{name: "admission-control with enable: refuses to start", args: []string{"--admission-control=NodeRestriction", "--enable-admission-plugins=NodeRestriction"}, want: checks.Fail, observed: "mutually exclusive"},
		{name: "substring is not the plugin", args: []string{"--enable-admission-plugins=XNodeRestriction"}, want: checks.Fail},
	})
}
