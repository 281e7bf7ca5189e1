package node

import (
	"testing"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func TestFileEtcdDataDirPerms(t *testing.T) {
	runFileCases(t, "KP-NODE-030", fileEtcdDataDirPerms, []fileCase{
		{name: "at the bound", files: []snapshot.NodeFile{fileAt(0o700, 0, 0)}, want: checks.Pass},
		{name: "more restrictive", files: []snapshot.NodeFile{fileAt(0o400, 0, 0)}, want: checks.Pass},
		{name: "bit outside (0704)", files: []snapshot.NodeFile{fileAt(0o704, 0, 0)}, want: checks.Fail},
		{name: "absent", files: []snapshot.NodeFile{{}}, want: checks.NotApplicable},
		{name: "unreadable", files: []snapshot.NodeFile{{Error: "permission denied"}}, want: checks.NotEvaluated},
	})
}
