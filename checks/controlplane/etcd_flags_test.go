package controlplane

import (
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubeposture/kubeposture/checks"
)

func TestEtcdFlags(t *testing.T) {
	runFlagTable(t, etcdFlags, map[string][]cpCase{
		"KP-CP-037": {
			{name: "absent", args: nil, want: checks.Fail},
			{name: "both", args: []string{"--cert-file=/c", "--key-file=/k"}, want: checks.Pass},
			{name: "one", args: []string{"--cert-file=/c"}, want: checks.Fail},
			{name: "from env", args: []string{"--key-file=/k"}, env: []corev1.EnvVar{{Name: "ETCD_CERT_FILE", Value: "/c"}}, want: checks.Pass, observed: "ETCD_CERT_FILE"},
			{name: "config file", args: []string{"--config-file=/etc/etcd.yaml"}, want: checks.NotEvaluated},
			{name: "config file from env", args: nil, env: []corev1.EnvVar{{Name: "ETCD_CONFIG_FILE", Value: "/etc/etcd.yaml"}}, want: checks.NotEvaluated},
		},
		"KP-CP-038": {
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
		},
		"KP-CP-039": {
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
		},
		"KP-CP-040": {
			{name: "absent", args: nil, want: checks.Fail},
			{name: "both", args: []string{"--peer-cert-file=/c", "--peer-key-file=/k"}, want: checks.Pass},
			{name: "one", args: []string{"--peer-cert-file=/c"}, want: checks.Fail},
			{name: "from env", args: []string{"--peer-key-file=/k"}, env: []corev1.EnvVar{{Name: "ETCD_PEER_CERT_FILE", Value: "/c"}}, want: checks.Pass, observed: "ETCD_PEER_CERT_FILE"},
			{name: "config file", args: []string{"--config-file=/etc/etcd.yaml"}, want: checks.NotEvaluated},
			{name: "config file from env", args: nil, env: []corev1.EnvVar{{Name: "ETCD_CONFIG_FILE", Value: "/etc/etcd.yaml"}}, want: checks.NotEvaluated},
		},
		"KP-CP-041": {
			{name: "absent: default", args: nil, want: checks.Fail, observed: "default: false"},
			{name: "true", args: []string{"--peer-client-cert-auth=true"}, want: checks.Pass},
			{name: "false", args: []string{"--peer-client-cert-auth=false"}, want: checks.Fail},
			{name: "bare is true", args: []string{"--peer-client-cert-auth"}, want: checks.Pass},
			{name: "last wins", args: []string{"--peer-client-cert-auth=true", "--peer-client-cert-auth=false"}, want: checks.Fail, observed: "last of 2"},
			{name: "not a boolean", args: []string{"--peer-client-cert-auth=yes"}, want: checks.Fail, observed: "not a boolean"},
			{name: "0 and 1 are booleans", args: []string{"--peer-client-cert-auth=1"}, want: checks.Pass},
			{name: "from env", args: nil, env: []corev1.EnvVar{{Name: "ETCD_PEER_CLIENT_CERT_AUTH", Value: "true"}}, want: checks.Pass, observed: "ETCD_PEER_CLIENT_CERT_AUTH"},
			{name: "flag and env: etcd exits", args: []string{"--peer-client-cert-auth=true"}, env: []corev1.EnvVar{{Name: "ETCD_PEER_CLIENT_CERT_AUTH", Value: "true"}}, want: checks.Fail, observed: "etcd exits"},
			{name: "config file", args: []string{"--config-file=/etc/etcd.yaml"}, want: checks.NotEvaluated},
		},
		"KP-CP-042": {
			{name: "absent: default", args: nil, want: checks.Pass, observed: "default: false"},
			{name: "false", args: []string{"--peer-auto-tls=false"}, want: checks.Pass},
			{name: "true", args: []string{"--peer-auto-tls=true"}, want: checks.Fail},
			{name: "bare is true", args: []string{"--peer-auto-tls"}, want: checks.Fail},
			{name: "last wins", args: []string{"--peer-auto-tls=false", "--peer-auto-tls=true"}, want: checks.Fail, observed: "last of 2"},
			{name: "not a boolean", args: []string{"--peer-auto-tls=yes"}, want: checks.Fail, observed: "not a boolean"},
			{name: "0 and 1 are booleans", args: []string{"--peer-auto-tls=0"}, want: checks.Pass},
			{name: "from env", args: nil, env: []corev1.EnvVar{{Name: "ETCD_PEER_AUTO_TLS", Value: "true"}}, want: checks.Fail, observed: "ETCD_PEER_AUTO_TLS"},
			{name: "flag and env: etcd exits", args: []string{"--peer-auto-tls=false"}, env: []corev1.EnvVar{{Name: "ETCD_PEER_AUTO_TLS", Value: "false"}}, want: checks.Fail, observed: "etcd exits"},
			{name: "config file", args: []string{"--config-file=/etc/etcd.yaml"}, want: checks.NotEvaluated},
		},
	})
}
