package controlplane

import (
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubeposture/kubeposture/checks"
)

var _ = func() bool {
	componentControls["KP-CP-038"] = componentControl{component: etcd, cis: "2.2", eval: etcdClientCertAuth}
	return true
}()

func TestEtcdClientCertAuth(t *testing.T) {
	runComponentCases(t, etcd, etcdClientCertAuth, []cpCase{
		{name: "absent: default", args: nil, want: checks.Fail, observed: "default: false"},
		{name: "true", args: []string{"--client-cert-auth=true"}, want: checks.Pass},
		{name: "false", args: []string{"--client-cert-auth=false"}, want: checks.Fail},
		{name: "bare is true", args: []string{"--client-cert-auth"}, want: checks.Pass},
		{name: "last wins", args: []string{"--client-cert-auth=true", "--client-cert-auth=false"}, want: checks.Fail, observed: "last of 2"},
		{name: "not a boolean", args: []string{"--client-cert-auth=yes"}, want: checks.Fail, observed: "not a boolean"},
		{name: "0 and 1 are booleans", args: []string{"--client-cert-auth=1"}, want: checks.Pass},
		{name: "from env", args: nil, env: []corev1.EnvVar{{Name: "ETCD_CLIENT_CERT_AUTH", Value: "true"}}, want: checks.Pass, observed: "ETCD_CLIENT_CERT_AUTH"},
		{name: "flag and env: etcd exits", args: []string{"--client-cert-auth=true"}, env: []corev1.EnvVar{{Name: "ETCD_CLIENT_CERT_AUTH", Value: "true"}}, want: checks.Fail, observed: "etcd exits"},
		{name: "config file", args: []string{"--config-file=/etc/etcd.yaml"}, want: checks.NotEvaluated},
	})
}
