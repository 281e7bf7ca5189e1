package node

import (
	"testing"
	"time"

	"github.com/kubeposture/kubeposture/checks"
	kubeletv1beta1 "k8s.io/kubelet/config/v1beta1"
)

func TestStreamingIdleTimeout(t *testing.T) {
	d := func(v time.Duration) func(*kubeletv1beta1.KubeletConfiguration) {
		return func(c *kubeletv1beta1.KubeletConfiguration) { c.StreamingConnectionIdleTimeout.Duration = v }
	}
	runConfigCases(t, streamingIdleTimeout, "streamingConnectionIdleTimeout", []configCase{
		{name: "default 4h", mutate: d(4 * time.Hour), want: checks.Pass, observed: "4h0m0s"},
		{name: "5m", mutate: d(5 * time.Minute), want: checks.Pass, observed: "5m0s"},
		{name: "0 (flag)", mutate: d(0), want: checks.Fail, observed: "no timeout"},
		{name: "negative", mutate: d(-time.Second), want: checks.Fail, observed: "-1s"},
	})
}
