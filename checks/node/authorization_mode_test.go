package node

import (
	"testing"

	"github.com/kubeposture/kubeposture/checks"
	kubeletv1beta1 "k8s.io/kubelet/config/v1beta1"
)

func TestAuthorizationMode(t *testing.T) {
	mode := func(m string) func(*kubeletv1beta1.KubeletConfiguration) {
		return func(c *kubeletv1beta1.KubeletConfiguration) {
			c.Authorization.Mode = kubeletv1beta1.KubeletAuthorizationMode(m)
		}
	}
	runConfigCases(t, authorizationMode, "authorization.mode", []configCase{
		{name: "Webhook", want: checks.Pass, observed: `"Webhook"`},
		{name: "AlwaysAllow", mutate: mode("AlwaysAllow"), want: checks.Fail, observed: `"AlwaysAllow"`},
		{name: "not reported", mutate: mode(""), want: checks.NotEvaluated, observed: "absent"},
		{name: "webhook is not Webhook", mutate: mode("webhook"), want: checks.Fail},
		{name: "unknown mode", mutate: mode("RBAC"), want: checks.Fail},
	})
}
