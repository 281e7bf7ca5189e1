package controlplane

import (
	"testing"

	"github.com/kubeposture/kubeposture/checks"
)

var _ = func() bool {
	componentControls["KP-CP-022"] = componentControl{component: apiserver, cis: "1.2.23", eval: etcdClientCert}
	return true
}()

func TestEtcdClientCert(t *testing.T) {
	runComponentCases(t, apiserver, etcdClientCert, []cpCase{
		{name: "absent", args: nil, want: checks.Fail},
		{name: "both", args: []string{"--etcd-certfile=/c", "--etcd-keyfile=/k"}, want: checks.Pass},
		{name: "key only", args: []string{"--etcd-keyfile=/k"}, want: checks.Fail},
	})
}
