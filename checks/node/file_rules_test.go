package node

import (
	"fmt"
	"slices"
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

// fileRuleCases are the cases of the rules whose bound needs its own: an owner other than
// root:root, named from the node's /etc/passwd and /etc/group.
var fileRuleCases = map[string][]fileCase{
	"KP-NODE-031": {
		{name: "etcd:etcd", files: []snapshot.NodeFile{named(fileAt(0o700, 998, 998), "etcd", "etcd")}, want: checks.Pass},
		{name: "root:root (kubeadm)", files: []snapshot.NodeFile{named(fileAt(0o700, 0, 0), "root", "root")}, want: checks.Fail},
	},
}

// boundCases are the cases every rule with this bound must pass: at the bound and more
// restrictive, a bit outside it, and 0444 where a numeric comparison would let it through; for
// root:root, another user or group.
func boundCases(r *fileRule) []fileCase {
	switch {
	case r.MaxMode != 0:
		outside := uint32(0o004) // a bit for others that the bound does not allow
		if r.MaxMode&outside != 0 {
			outside = 0o002
		}
		cases := []fileCase{
			{name: "at the bound", files: []snapshot.NodeFile{fileAt(r.MaxMode, 0, 0)}, want: checks.Pass},
			{name: "more restrictive", files: []snapshot.NodeFile{fileAt(0o400, 0, 0)}, want: checks.Pass},
			{name: fmt.Sprintf("bit outside (%04o)", r.MaxMode|outside), files: []snapshot.NodeFile{fileAt(r.MaxMode|outside, 0, 0)}, want: checks.Fail},
		}
		if 0o444 < r.MaxMode && 0o444&^r.MaxMode != 0 {
			cases = append(cases, fileCase{name: fmt.Sprintf("0444 is not %o or more restrictive", r.MaxMode),
				files: []snapshot.NodeFile{fileAt(0o444, 0, 0)}, want: checks.Fail})
		}
		return cases
	case r.Owner == "root:root":
		return []fileCase{
			{name: "root:root", files: []snapshot.NodeFile{fileAt(0o600, 0, 0)}, want: checks.Pass},
			{name: "other user", files: []snapshot.NodeFile{fileAt(0o600, 1000, 0)}, want: checks.Fail},
			{name: "other group", files: []snapshot.NodeFile{fileAt(0o600, 0, 1000)}, want: checks.Fail},
		}
	}
	return nil
}

// TestFileRules judges every rule of the table on a control-plane node, over the cases of its
// bound and its own, then a worker and a snapshot without node reports, through its
// registration.
func TestFileRules(t *testing.T) {
	for i := range fileRules {
		r := &fileRules[i]
		t.Run(r.ID, func(t *testing.T) {
			if (r.MaxMode != 0) == (r.Owner != "") {
				t.Fatalf("MaxMode %04o, Owner %q: set exactly one", r.MaxMode, r.Owner)
			}
			if !slices.Contains(snapshot.FileRoles, r.Role) {
				t.Fatalf("role %q is not one the node agent records (snapshot.FileRoles)", r.Role)
			}
			// The bound is stated in the title and the remediation, which reviewers read against
			// the benchmark (and docs/controls.md pins): they must say the same as the row's.
			title, fix := fmt.Sprintf("permissions are %04o or more restrictive", r.MaxMode), fmt.Sprintf("chmod %o ", r.MaxMode)
			if r.Owner != "" {
				title, fix = "ownership is "+r.Owner, "chown "+r.Owner+" "
			}
			if !strings.HasSuffix(r.Title, title) || !strings.Contains(r.Remediation, fix) {
				t.Errorf("title %q and remediation %q do not state the bound (%q, %q)", r.Title, r.Remediation, title, fix)
			}
			c := registered(t, r.ID)
			if c.Layer != checks.Node || c.Title != r.Title || c.Severity != r.Severity || !slices.Equal(c.References.CIS, []string{r.CIS}) ||
				!slices.Equal(c.Inputs, []snapshot.Resource{snapshot.ResNodeReports}) {
				t.Errorf("registered as %+v, inputs %v", c.Control, c.Inputs)
			}
			cases := append(boundCases(r), fileRuleCases[r.ID]...)
			if r.Owner != "" && r.Owner != "root:root" && len(fileRuleCases[r.ID]) == 0 {
				t.Fatalf("owner %s: no case of its own", r.Owner)
			}
			cases = append(cases,
				fileCase{name: "absent", files: []snapshot.NodeFile{{}}, want: checks.NotApplicable},
				fileCase{name: "unreadable", files: []snapshot.NodeFile{{Error: "permission denied"}}, want: checks.NotEvaluated})
			runFileCases(t, r, c, cases)
		})
	}
}

// placeFor finds a path of each suffix the rules select on, under the rule's role: a case's
// files are placed there.
func placeFor(t *testing.T, rule *fileRule) string {
	t.Helper()
	for _, p := range []string{"/etc/kubernetes/x.crt", "/etc/kubernetes/x.key"} {
		if rule.selects(&snapshot.NodeFile{Role: rule.Role, Path: p}) {
			return p
		}
	}
	t.Fatal("the rule selects no file of its role")
	return ""
}

// runFileCases judges each case's files on a control-plane node with the registered check c,
// then on a worker (a section 4.1 rule judges it, a section 1.1 rule is NOT_APPLICABLE there), on
// a control-plane node that runs no kubelet (the other way round), and a snapshot without node
// reports (NOT_EVALUATED by the engine).
func runFileCases(t *testing.T, rule *fileRule, c checks.Check, cases []fileCase) {
	t.Helper()
	path := placeFor(t, rule)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			files := make([]snapshot.NodeFile, len(tc.files))
			for i, f := range tc.files {
				f.Role, f.Path = rule.Role, path
				files[i] = f
			}
			snap := withReports(snapshot.New(), snapshot.NodeReport{Node: "cp-1", ControlPlane: true, ProcessTable: true,
				Kubelet: &snapshot.NodeKubelet{}, Files: files})
			rs := c.Evaluate(snap)
			if len(rs) != 1 || rs[0].Status != tc.want || rs[0].Resource != (checks.Resource{Kind: "Node", Name: "cp-1"}) {
				t.Fatalf("got %+v, want one %s on Node/cp-1", rs, tc.want)
			}
			if tc.want == checks.Fail && !strings.Contains(rs[0].Evidence.Observed, path) {
				t.Errorf("observed %q does not name the file", rs[0].Evidence.Observed)
			}
		})
	}
	present := []snapshot.NodeFile{{Role: rule.Role, Path: path, Exists: true}}
	for _, tc := range []struct {
		name   string
		report snapshot.NodeReport
		// judged: the rule is about this node (it judges the file); else NOT_APPLICABLE, with reason.
		judged bool
		reason string
	}{
		{"worker", snapshot.NodeReport{Node: "w", ProcessTable: true, Kubelet: &snapshot.NodeKubelet{}, Files: present},
			!rule.controlPlane(), "not a control-plane node"},
		{"control plane without kubelet", snapshot.NodeReport{Node: "cp-2", ControlPlane: true, ProcessTable: true, Files: present},
			rule.controlPlane(), "no kubelet runs on this node"},
	} {
		rs := c.Evaluate(withReports(snapshot.New(), tc.report))
		switch {
		case len(rs) != 1:
			t.Errorf("%s: %d results, want 1", tc.name, len(rs))
		case tc.judged && rs[0].Status != checks.Pass && rs[0].Status != checks.Fail:
			t.Errorf("%s: %+v, want the file judged", tc.name, rs[0])
		case !tc.judged && (rs[0].Status != checks.NotApplicable || !strings.Contains(rs[0].Reason, tc.reason)):
			t.Errorf("%s: %+v, want NOT_APPLICABLE: %s", tc.name, rs[0], tc.reason)
		}
	}
	sel := checks.Selection{Controls: []string{rule.ID}}
	selected, err := sel.Select(checks.Registered())
	if err != nil {
		t.Fatal(err)
	}
	if rep := checks.Run(snapshot.New(), selected, sel); len(rep.Controls) != 1 || len(rep.Controls[0].Results) != 1 ||
		rep.Controls[0].Results[0].Status != checks.NotEvaluated || rep.Controls[0].Results[0].Reason != snapshot.NoNodeReports {
		t.Errorf("no node report: %+v, want NOT_EVALUATED: %s", rep.Controls, snapshot.NoNodeReports)
	}
}

// registered returns the registered check of a control.
func registered(t *testing.T, id string) checks.Check {
	t.Helper()
	for _, c := range checks.Registered() {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("%s is not registered", id)
	return checks.Check{}
}
