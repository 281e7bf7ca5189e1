package controlplane

import (
	"testing"

	"github.com/kubeposture/kubeposture/checks"
)

var _ = func() bool {
	componentControls["KP-CP-023"] = componentControl{component: apiserver, cis: "1.2.24", eval: tlsCertFile}
	return true
}()

func TestTlsCertFile(t *testing.T) {
	runComponentCases(t, apiserver, tlsCertFile, []cpCase{
		{name: "absent", args: nil, want: checks.Fail},
		{name: "both", args: []string{"--tls-cert-file=/c", "--tls-private-key-file=/k"}, want: checks.Pass},
		{name: "cert only", args: []string{"--tls-cert-file=/c"}, want: checks.Fail},
	})
}
