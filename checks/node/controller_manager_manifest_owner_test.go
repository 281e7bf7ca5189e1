package node

import (
	"testing"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func TestFileControllerManagerManifestOwner(t *testing.T) {
	runFileCases(t, "KP-NODE-023", fileControllerManagerManifestOwner, []fileCase{
		{name: "root:root", files: []snapshot.NodeFile{fileAt(0o600, 0, 0)}, want: checks.Pass},
		{name: "other user", files: []snapshot.NodeFile{fileAt(0o600, 1000, 0)}, want: checks.Fail},
		{name: "other group", files: []snapshot.NodeFile{fileAt(0o600, 0, 1000)}, want: checks.Fail},
		{name: "absent", files: []snapshot.NodeFile{{}}, want: checks.NotApplicable},
		{name: "unreadable", files: []snapshot.NodeFile{{Error: "permission denied"}}, want: checks.NotEvaluated},
	})
}
