package controlplane

import (
	"strings"
	"testing"

	"github.com/kubeposture/kubeposture/checks"
)

func TestEtcdUniqueCA(t *testing.T) {
	runComponentCases(t, etcd, etcdUniqueCA, []cpCase{
		{name: "absent", args: nil, want: checks.Fail},
		{name: "set", args: []string{"--trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt"}, want: checks.Manual, observed: "etcd/ca.crt"},
		{name: "config file", args: []string{"--config-file=/e.yaml"}, want: checks.NotEvaluated},
	})
}

// etcd trusting the file the API server uses as its client CA fails; another file is
// left to a person, with both paths named.
func TestEtcdUniqueCAAgainstAPIServer(t *testing.T) {
	for _, tc := range []struct {
		etcdCA string
		want   checks.Status
	}{
		{"/etc/kubernetes/pki/ca.crt", checks.Fail},
		{"/etc/kubernetes/pki/etcd/ca.crt", checks.Manual},
	} {
		s := apiserverSnap([]string{"--client-ca-file=/etc/kubernetes/pki/ca.crt"})
		e := componentSnap(etcd, []string{"--trusted-ca-file=" + tc.etcdCA}, nil)
		s.ControlPlane = append(s.ControlPlane, e.ControlPlane...)
		rs := etcdUniqueCA(s)
		if len(rs) != 1 || rs[0].Status != tc.want {
			t.Errorf("%s: got %+v, want %s", tc.etcdCA, rs, tc.want)
		}
		if tc.want == checks.Manual && !strings.Contains(rs[0].Reason, "/etc/kubernetes/pki/ca.crt (kube-apiserver-cp-1)") {
			t.Errorf("reason %q does not name the API server's CA", rs[0].Reason)
		}
	}
}
