package controlplane

import (
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubeposture/kubeposture/checks"
)

var _ = func() bool {
	componentControls["KP-CP-037"] = componentControl{component: etcd, cis: "2.1", eval: etcdCertFile}
	return true
}()

func TestEtcdCertFile(t *testing.T) {
	runComponentCases(t, etcd, etcdCertFile, []cpCase{
		{name: "absent", args: nil, want: checks.Fail},
		{name: "both", args: []string{"--cert-file=/c", "--key-file=/k"}, want: checks.Pass},
		{name: "one", args: []string{"--cert-file=/c"}, want: checks.Fail},
		{name: "from env", args: []string{"--key-file=/k"}, env: []corev1.EnvVar{{Name: "ETCD_CERT_FILE", Value: "/c"}}, want: checks.Pass, observed: "ETCD_CERT_FILE"},
		{name: "config file", args: []string{"--config-file=/etc/etcd.yaml"}, want: checks.NotEvaluated},
		{name: "config file from env", args: nil, env: []corev1.EnvVar{{Name: "ETCD_CONFIG_FILE", Value: "/etc/etcd.yaml"}}, want: checks.NotEvaluated},
	})
}
