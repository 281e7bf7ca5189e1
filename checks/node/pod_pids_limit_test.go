package node

import (
	"testing"

	"github.com/kubeposture/kubeposture/checks"
	kubeletv1beta1 "k8s.io/kubelet/config/v1beta1"
)

func TestPodPidsLimit(t *testing.T) {
	n := func(v int64) func(*kubeletv1beta1.KubeletConfiguration) {
		return func(c *kubeletv1beta1.KubeletConfiguration) { c.PodPidsLimit = &v }
	}
	runConfigCases(t, podPidsLimit, "podPidsLimit", []configCase{
		{name: "4096", mutate: n(4096), want: checks.Pass, observed: "4096"},
		{name: "default -1", mutate: n(-1), want: checks.Fail, observed: "no limit"},
		{name: "0", mutate: n(0), want: checks.Fail},
		{name: "not reported", want: checks.NotEvaluated, observed: "absent"},
	})
}
