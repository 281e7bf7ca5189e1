package node

import (
	"testing"

	"github.com/kubeposture/kubeposture/checks"
	kubeletv1beta1 "k8s.io/kubelet/config/v1beta1"
)

func TestIPTablesUtilChains(t *testing.T) {
	runConfigCases(t, iptablesUtilChains, "makeIPTablesUtilChains", []configCase{
		{name: "true", mutate: func(c *kubeletv1beta1.KubeletConfiguration) { c.MakeIPTablesUtilChains = new(true) }, want: checks.Pass, observed: "true"},
		{name: "false", mutate: func(c *kubeletv1beta1.KubeletConfiguration) { c.MakeIPTablesUtilChains = new(false) }, want: checks.Fail, observed: "false"},
		{name: "not reported", want: checks.NotEvaluated, observed: "absent"},
	})
}
