package node

import (
	"testing"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func TestFileControllerManagerManifestPerms(t *testing.T) {
	runFileCases(t, "KP-NODE-022", fileControllerManagerManifestPerms, []fileCase{
		{name: "at the bound", files: []snapshot.NodeFile{fileAt(0o600, 0, 0)}, want: checks.Pass},
		{name: "more restrictive", files: []snapshot.NodeFile{fileAt(0o400, 0, 0)}, want: checks.Pass},
		{name: "bit outside (0604)", files: []snapshot.NodeFile{fileAt(0o604, 0, 0)}, want: checks.Fail},
		{name: "0444 is not 600 or more restrictive", files: []snapshot.NodeFile{fileAt(0o444, 0, 0)}, want: checks.Fail},
		{name: "absent", files: []snapshot.NodeFile{{}}, want: checks.NotApplicable},
		{name: "unreadable", files: []snapshot.NodeFile{{Error: "permission denied"}}, want: checks.NotEvaluated},
	})
}
