package node

import (
	"testing"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func TestFileEtcdDataDirOwner(t *testing.T) {
	runFileCases(t, "KP-NODE-031", fileEtcdDataDirOwner, []fileCase{
		{name: "etcd:etcd", files: []snapshot.NodeFile{named(fileAt(0o700, 998, 998), "etcd", "etcd")}, want: checks.Pass},
		{name: "root:root (kubeadm)", files: []snapshot.NodeFile{named(fileAt(0o700, 0, 0), "root", "root")}, want: checks.Fail},
		{name: "absent", files: []snapshot.NodeFile{{}}, want: checks.NotApplicable},
		{name: "unreadable", files: []snapshot.NodeFile{{Error: "permission denied"}}, want: checks.NotEvaluated},
	})
}
