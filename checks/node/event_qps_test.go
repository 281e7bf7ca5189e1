package node

import (
	"testing"

	"github.com/kubeposture/kubeposture/checks"
	kubeletv1beta1 "k8s.io/kubelet/config/v1beta1"
)

func TestEventQPS(t *testing.T) {
	q := func(v int32) func(*kubeletv1beta1.KubeletConfiguration) {
		return func(c *kubeletv1beta1.KubeletConfiguration) { c.EventRecordQPS = &v }
	}
	runConfigCases(t, eventQPS, "eventRecordQPS", []configCase{
		{name: "default 50", mutate: q(50), want: checks.Pass, observed: "50"},
		{name: "0 unlimited", mutate: q(0), want: checks.Warn, observed: "no limit"},
		{name: "negative", mutate: q(-1), want: checks.Fail, observed: "-1"},
		{name: "not reported", want: checks.NotEvaluated, observed: "absent"},
	})
}
