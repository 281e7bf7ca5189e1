package controlplane

import (
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubeposture/kubeposture/checks"
)

var _ = func() bool {
	componentControls["KP-CP-039"] = componentControl{component: etcd, cis: "2.3", eval: etcdAutoTLS}
	return true
}()

func TestEtcdAutoTLS(t *testing.T) {
	runComponentCases(t, etcd, etcdAutoTLS, []cpCase{
		{name: "absent: default", args: nil, want: checks.Pass, observed: "default: false"},
		{name: "false", args: []string{"--auto-tls=false"}, want: checks.Pass},
		{name: "true", args: []string{"--auto-tls=true"}, want: checks.Fail},
		{name: "bare is true", args: []string{"--auto-tls"}, want: checks.Fail},
		{name: "last wins", args: []string{"--auto-tls=false", "--auto-tls=true"}, want: checks.Fail, observed: "last of 2"},
		{name: "not a boolean", args: []string{"--auto-tls=yes"}, want: checks.Fail, observed: "not a boolean"},
		{name: "0 and 1 are booleans", args: []string{"--auto-tls=0"}, want: checks.Pass},
		{name: "from env", args: nil, env: []corev1.EnvVar{{Name: "ETCD_AUTO_TLS", Value: "true"}}, want: checks.Fail, observed: "ETCD_AUTO_TLS"},
		{name: "flag and env: etcd exits", args: []string{"--auto-tls=false"}, env: []corev1.EnvVar{{Name: "ETCD_AUTO_TLS", Value: "false"}}, want: checks.Fail, observed: "etcd exits"},
		{name: "config file", args: []string{"--config-file=/etc/etcd.yaml"}, want: checks.NotEvaluated},
	})
}
