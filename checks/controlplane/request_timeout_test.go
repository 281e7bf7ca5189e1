package controlplane

import (
	"testing"

	"github.com/kubeposture/kubeposture/checks"
)

var _ = func() bool {
	componentControls["KP-CP-049"] = componentControl{component: apiserver, cis: "1.2.20", eval: requestTimeout}
	return true
}()

func TestRequestTimeout(t *testing.T) {
	runComponentCases(t, apiserver, requestTimeout, []cpCase{
		{name: "absent: default", want: checks.Manual, observed: "default: 1m0s"},
		{name: "set", args: []string{"--request-timeout=300s"}, want: checks.Manual, observed: `"300s"`},
	})
}
