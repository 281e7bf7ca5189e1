package node

import (
	"strings"
	"testing"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

type fileCase struct {
	name  string
	files []snapshot.NodeFile
	want  checks.Status
}

func fileAt(mode uint32, uid, gid int) snapshot.NodeFile {
	return snapshot.NodeFile{Exists: true, Mode: mode, UID: uid, GID: gid}
}

func named(f snapshot.NodeFile, user, group string) snapshot.NodeFile {
	f.User, f.Group = user, group
	return f
}

// placeFor finds a role the node agent records (snapshot.FileRoles, which nodeagent's tests
// hold it to) and a path of each suffix the rules select on, where the rule looks:
// runFileCases places a case's files there.
func placeFor(t *testing.T, rule fileRule) (role snapshot.FileRole, path string) {
	t.Helper()
	for _, r := range snapshot.FileRoles {
		for _, p := range []string{"/etc/kubernetes/x.crt", "/etc/kubernetes/x.key"} {
			if rule.selectFile(&snapshot.NodeFile{Role: r, Path: p}) {
				return r, p
			}
		}
	}
	t.Fatal("the rule selects no file the agent records")
	return "", ""
}

// runFileCases judges each case's files on a control-plane node and checks the control's
// registration: its id, CIS reference and scope.
func runFileCases(t *testing.T, id string, rule fileRule, cases []fileCase) {
	t.Helper()
	role, path := placeFor(t, rule)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			files := make([]snapshot.NodeFile, len(tc.files))
			for i, f := range tc.files {
				f.Role, f.Path = role, path
				files[i] = f
			}
			snap := withReports(snapshot.New(), snapshot.NodeReport{Node: "cp-1", ControlPlane: true, Files: files})
			rs := eachNodeReport(snap, rule)
			if len(rs) != 1 || rs[0].Status != tc.want || rs[0].Resource != (checks.Resource{Kind: "Node", Name: "cp-1"}) {
				t.Fatalf("got %+v, want one %s on Node/cp-1", rs, tc.want)
			}
			if tc.want == checks.Fail && !strings.Contains(rs[0].Evidence.Observed, path) {
				t.Errorf("observed %q does not name the file", rs[0].Evidence.Observed)
			}
		})
	}
	// A worker has no control-plane files: no result there. Section 4.1 applies to it.
	worker := withReports(snapshot.New(), snapshot.NodeReport{Node: "w", Files: []snapshot.NodeFile{{Role: role, Path: path, Exists: true}}})
	if rs := eachNodeReport(worker, rule); (len(rs) == 0) != rule.controlPlane {
		t.Errorf("worker: %d results, control-plane rule %v", len(rs), rule.controlPlane)
	}
	// Without node reports the engine does not call the check: its input is missing.
	sel := checks.Selection{Controls: []string{id}}
	selected, err := sel.Select(checks.Registered())
	if err != nil {
		t.Fatal(err)
	}
	if rep := checks.Run(snapshot.New(), selected, sel); len(rep.Controls) != 1 || len(rep.Controls[0].Results) != 1 ||
		rep.Controls[0].Results[0].Status != checks.NotEvaluated || rep.Controls[0].Results[0].Reason != snapshot.NoNodeReports {
		t.Errorf("no node report: %+v, want NOT_EVALUATED: %s", rep.Controls, snapshot.NoNodeReports)
	}
	var found bool
	for _, c := range checks.Registered() {
		if c.ID == id {
			found = true
			if c.Layer != checks.Node || len(c.References.CIS) != 1 {
				t.Errorf("%s registered as %+v", id, c.Control)
			}
		}
	}
	if !found {
		t.Errorf("%s is not registered", id)
	}
}

// Several entries: the failing ones are listed, with the count.
func TestFilesManyEntries(t *testing.T) {
	var files []snapshot.NodeFile
	for _, p := range []string{"/etc/kubernetes/pki/a.key", "/etc/kubernetes/pki/b.key", "/etc/kubernetes/pki/c.crt"} {
		files = append(files, snapshot.NodeFile{Path: p, Role: snapshot.RolePKI, Exists: true, Mode: 0o600})
	}
	files[1].Mode = 0o640
	snap := withReports(snapshot.New(), snapshot.NodeReport{Node: "cp-1", ControlPlane: true, Files: files})
	rs := eachNodeReport(snap, filePkiKeyPerms)
	if len(rs) != 1 || rs[0].Status != checks.Fail || rs[0].Evidence.Observed != "1 of 2 entries not allowed: /etc/kubernetes/pki/b.key 0640" {
		t.Fatalf("got %+v", rs)
	}
}
