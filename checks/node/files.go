package node

import (
	"fmt"
	"strings"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

// fileRule is a CIS 1.1.x or 4.1.x file control: a permission bound or an owner, over the
// files of a node report that select picks.
type fileRule struct {
	// controlPlane limits the rule to control-plane nodes (section 1.1); section 4.1 rules
	// apply to every node, as every node runs a kubelet.
	controlPlane bool
	what         string
	selectFile   func(f *snapshot.NodeFile) bool
	// maxMode, when not 0, is the most permissive mode allowed: a file passes when
	// mode &^ maxMode == 0 (a bitmask test: 0444 is not "600 or more restrictive").
	maxMode uint32
	// owner, when not "", is the required user:group ("root:root" is uid and gid 0; other
	// names are compared with the node's /etc/passwd and /etc/group).
	owner string
}

func (r fileRule) expected() string {
	if r.maxMode != 0 {
		return fmt.Sprintf("%04o or more restrictive (mode &^ %04o == 0)", r.maxMode, r.maxMode)
	}
	return "owned by " + r.owner
}

// eachNodeReport judges every merged node report, one result per node, then groups them.
// Without node reports the engine has judged the control NOT_EVALUATED (its input
// snapshot.ResNodeReports is missing) and not called it.
func eachNodeReport(snap *snapshot.Snapshot, rule fileRule) []checks.Result {
	var out []checks.Result
	for i := range snap.NodeReports {
		rep := &snap.NodeReports[i]
		if rule.controlPlane && !rep.ControlPlane {
			continue // a worker has no control-plane files: no result, not a pass
		}
		r := judgeFiles(rep, rule)
		r.Resource = checks.Resource{Kind: "Node", Name: rep.Node}
		out = append(out, r)
	}
	return group(out)
}

func judgeFiles(rep *snapshot.NodeReport, rule fileRule) checks.Result {
	ev := checks.Evidence{Expected: rule.expected(), Where: fmt.Sprintf("%s (node %s, node agent)", rule.what, rep.Node)}
	var found, bad []string
	for i := range rep.Files {
		f := &rep.Files[i]
		if !rule.selectFile(f) {
			continue
		}
		if f.Error != "" {
			return checks.Result{Status: checks.NotEvaluated, Evidence: ev,
				Reason: fmt.Sprintf("%s could not be examined: %s", f.Path, f.Error)}
		}
		if !f.Exists {
			continue
		}
		desc := describeFile(f, rule)
		found = append(found, desc)
		if !fileOK(f, rule) {
			bad = append(bad, desc)
		}
	}
	switch {
	case len(found) == 0:
		ev.Observed = "no such file on this node"
		return checks.Result{Status: checks.NotApplicable, Evidence: ev, Reason: "the file does not exist on this node"}
	case len(bad) > 0:
		ev.Observed = summarize(bad, len(found), "not allowed")
		return checks.Result{Status: checks.Fail, Evidence: ev}
	default:
		ev.Observed = summarize(found, len(found), "all allowed")
		return checks.Result{Status: checks.Pass, Evidence: ev}
	}
}

func fileOK(f *snapshot.NodeFile, rule fileRule) bool {
	if rule.maxMode != 0 {
		return f.Mode&^rule.maxMode == 0
	}
	if rule.owner == "root:root" {
		return f.UID == 0 && f.GID == 0
	}
	user, grp, _ := strings.Cut(rule.owner, ":")
	return f.User == user && f.Group == grp
}

func describeFile(f *snapshot.NodeFile, rule fileRule) string {
	if rule.maxMode != 0 {
		return fmt.Sprintf("%s %04o", f.Path, f.Mode)
	}
	return fmt.Sprintf("%s %s:%s (%d:%d)", f.Path, orID(f.User, f.UID), orID(f.Group, f.GID), f.UID, f.GID)
}

func orID(name string, id int) string {
	if name != "" {
		return name
	}
	return fmt.Sprint(id)
}

// summarize lists up to five entries, and says how many there are in all.
func summarize(list []string, total int, label string) string {
	const show = 5
	s := strings.Join(list[:min(show, len(list))], "; ")
	if len(list) > show {
		s += fmt.Sprintf("; and %d more", len(list)-show)
	}
	if total > 1 {
		s = fmt.Sprintf("%d of %d entries %s: %s", len(list), total, label, s)
	}
	return s
}

// byRole selects the files the agent recorded with one of these roles.
func byRole(roles ...snapshot.FileRole) func(f *snapshot.NodeFile) bool {
	return func(f *snapshot.NodeFile) bool {
		for _, r := range roles {
			if f.Role == r {
				return true
			}
		}
		return false
	}
}

// byRoleSuffix selects the non-directory files of a role whose path ends in suffix.
func byRoleSuffix(role snapshot.FileRole, suffix string) func(f *snapshot.NodeFile) bool {
	return func(f *snapshot.NodeFile) bool {
		return f.Role == role && !f.IsDir && strings.HasSuffix(f.Path, suffix)
	}
}

// registerFileRule registers a file control.
func registerFileRule(c checks.Control, rule fileRule) {
	c.Layer = checks.Node
	checks.Register(checks.Check{
		Control:  c,
		Inputs:   []snapshot.Resource{snapshot.ResNodeReports},
		Evaluate: func(s *snapshot.Snapshot) []checks.Result { return eachNodeReport(s, rule) },
	})
}
