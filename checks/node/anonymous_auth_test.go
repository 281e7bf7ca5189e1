package node

import (
	"testing"

	"github.com/kubeposture/kubeposture/checks"
	kubeletv1beta1 "k8s.io/kubelet/config/v1beta1"
)

func TestAnonymousAuth(t *testing.T) {
	runConfigCases(t, anonymousAuth, "authentication.anonymous.enabled", []configCase{
		{name: "false", want: checks.Pass, observed: "false"},
		{name: "true", mutate: func(c *kubeletv1beta1.KubeletConfiguration) { c.Authentication.Anonymous.Enabled = new(true) },
			want: checks.Fail, observed: "true"},
		// nil: the kubelet did not say; the config-file default (false) must not be assumed.
		{name: "not reported", mutate: func(c *kubeletv1beta1.KubeletConfiguration) { c.Authentication.Anonymous.Enabled = nil },
			want: checks.NotEvaluated, observed: "absent"},
		// The webhook authenticator being on does not make anonymous requests go away.
		{name: "true with webhook authn", mutate: func(c *kubeletv1beta1.KubeletConfiguration) {
			c.Authentication.Anonymous.Enabled = new(true)
			c.Authentication.Webhook.Enabled = new(true)
		}, want: checks.Fail},
	})
}
