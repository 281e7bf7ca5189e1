package controlplane

import (
	"testing"

	"github.com/kubeposture/kubeposture/checks"
)

var _ = func() bool {
	componentControls["KP-CP-010"] = componentControl{component: apiserver, cis: "1.2.9", eval: eventRateLimit}
	return true
}()

func TestEventRateLimit(t *testing.T) {
	runComponentCases(t, apiserver, eventRateLimit, []cpCase{
		{name: "absent: default set", args: nil, want: checks.Fail, observed: "EventRateLimit"},
		{name: "enabled", args: []string{"--enable-admission-plugins=EventRateLimit"}, want: checks.Pass},
		{name: "enabled among others, repeated flag", args: []string{"--enable-admission-plugins=NodeRestriction", "--enable-admission-plugins=PodSecurity,EventRateLimit"}, want: checks.Pass, observed: "accumulate"},
		{name: "disabled", args: []string{"--disable-admission-plugins=EventRateLimit"}, want: checks.Fail},
		{name: "admission-control replaces the set, without it", args: []string{"--admission-control=NamespaceExists"}, want: checks.Fail, observed: "replaces"},
		{name: "admission-control with it", args: []string{"--admission-control=EventRateLimit"}, want: checks.Pass},
		{name: "admission-control with enable: refuses to start", args: []string{"--admission-control=EventRateLimit", "--enable-admission-plugins=EventRateLimit"}, want: checks.Fail, observed: "mutually exclusive"},
		{name: "substring is not the plugin", args: []string{"--enable-admission-plugins=XEventRateLimit"}, want: checks.Fail},
	})
}
