package controlplane

import (
	"testing"

	"github.com/kubeposture/kubeposture/checks"
)

var _ = func() bool {
	componentControls["KP-CP-033"] = componentControl{component: controllerManager, cis: "1.3.6", eval: rotateKubeletServerCertificate}
	return true
}()

func TestRotateKubeletServerCertificate(t *testing.T) {
	runComponentCases(t, controllerManager, rotateKubeletServerCertificate, []cpCase{
		{name: "absent", args: nil, want: checks.Pass, observed: "default"},
		{name: "true", args: []string{"--feature-gates=RotateKubeletServerCertificate=true"}, want: checks.Pass},
		{name: "false", args: []string{"--feature-gates=RotateKubeletServerCertificate=false"}, want: checks.Fail},
		{name: "false among others", args: []string{"--feature-gates=Foo=true,RotateKubeletServerCertificate=false"}, want: checks.Fail},
		{name: "repeats merge, last wins", args: []string{"--feature-gates=RotateKubeletServerCertificate=false", "--feature-gates=Other=true"}, want: checks.Fail},
		{name: "later value wins", args: []string{"--feature-gates=RotateKubeletServerCertificate=false", "--feature-gates=RotateKubeletServerCertificate=true"}, want: checks.Pass},
		{name: "similar name", args: []string{"--feature-gates=XRotateKubeletServerCertificate=false"}, want: checks.Pass},
		{name: "unreadable", args: []string{"--feature-gates=RotateKubeletServerCertificate=nope"}, want: checks.Fail},
	})
}
