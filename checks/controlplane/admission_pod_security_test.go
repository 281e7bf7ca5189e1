package controlplane

import (
	"testing"

	"github.com/kubeposture/kubeposture/checks"
)

var _ = func() bool {
	componentControls["KP-CP-051"] = componentControl{component: apiserver, cis: "5.2.1", eval: podSecurityPlugin}
	return true
}()

func TestPodSecurityPlugin(t *testing.T) {
	runComponentCases(t, apiserver, podSecurityPlugin, []cpCase{
		{name: "absent: default set", args: nil, want: checks.Pass, observed: "PodSecurity"},
		{name: "disabled", args: []string{"--disable-admission-plugins=NodeRestriction,PodSecurity"}, want: checks.Fail},
		{name: "admission-control without it", args: []string{"--admission-control=NamespaceLifecycle,ServiceAccount"}, want: checks.Fail, observed: "replaces"},
		{name: "disabling a look-alike keeps it", args: []string{"--disable-admission-plugins=PodSecurityPolicy"}, want: checks.Pass},
	})
}
