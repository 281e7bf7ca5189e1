package node

import (
	"testing"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

// Several entries: the failing ones are listed, with the count.
func TestFilesManyEntries(t *testing.T) {
	var files []snapshot.NodeFile
	for _, p := range []string{"/etc/kubernetes/pki/a.key", "/etc/kubernetes/pki/b.key", "/etc/kubernetes/pki/c.crt"} {
		files = append(files, snapshot.NodeFile{Path: p, Role: snapshot.RolePKI, Exists: true, Mode: 0o600})
	}
	files[1].Mode = 0o640
	snap := withReports(snapshot.New(), snapshot.NodeReport{Node: "cp-1", ControlPlane: true, ProcessTable: true, Files: files})
	rs := eachNodeReport(snap, fileRuleByID(t, "KP-NODE-040"))
	if len(rs) != 1 || rs[0].Status != checks.Fail || rs[0].Evidence.Observed != "1 of 2 entries not allowed: /etc/kubernetes/pki/b.key 0640" {
		t.Fatalf("got %+v", rs)
	}
}

func fileRuleByID(t *testing.T, id string) *fileRule {
	t.Helper()
	for i := range fileRules {
		if fileRules[i].ID == id {
			return &fileRules[i]
		}
	}
	t.Fatalf("no file rule %s", id)
	return nil
}
