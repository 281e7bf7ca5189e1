package node

import (
	"fmt"
	"strings"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

// eachNodeReport judges every merged node report, one result per node, then groups them. A
// node the rule is not about (rule.scope) gets NOT_APPLICABLE with the reason. Without node
// reports the engine has judged the control NOT_EVALUATED (its input snapshot.ResNodeReports
// is missing) and not called it.
func eachNodeReport(snap *snapshot.Snapshot, rule *fileRule) []checks.Result {
	out := make([]checks.Result, 0, len(snap.NodeReports))
	for i := range snap.NodeReports {
		rep := &snap.NodeReports[i]
		var r checks.Result
		if st, observed, reason := rule.scope(snap, rep); st != "" {
			r = checks.Result{Status: st, Reason: reason, Evidence: checks.Evidence{Expected: rule.expected(),
				Where: fileWhere(rule, rep.Node), Observed: observed}}
		} else {
			r = judgeFiles(rep, rule)
		}
		r.Resource = checks.Resource{Kind: "Node", Name: rep.Node}
		out = append(out, r)
	}
	return group(out)
}

// scope tells whether the rule is about the node of rep: a section 1.1 rule (control plane
// node configuration files) is about a control-plane node, one whose static pods include the
// kube-apiserver; a section 4.1 rule (worker node configuration files) is about a node a kubelet
// runs on, and 4.1.3 and 4.1.4 (the kube-proxy's kubeconfig) also about one a kube-proxy
// process runs on. st is "" when it is; otherwise NOT_APPLICABLE with what the report shows and
// why, or NOT_EVALUATED when the report cannot tell whether a kubelet runs (noKubelet).
func (r *fileRule) scope(snap *snapshot.Snapshot, rep *snapshot.NodeReport) (st checks.Status, observed, reason string) {
	switch {
	case r.controlPlane():
		if rep.ControlPlane {
			return "", "", ""
		}
		return checks.NotApplicable, "no kube-apiserver static pod manifest",
			"not a control-plane node: the node agent found no kube-apiserver manifest among its static pods (CIS 1.1 is about control-plane nodes)"
	case rep.Kubelet != nil, r.Role == snapshot.RoleKubeProxyKubeconfig && rep.KubeProxy != nil:
		return "", "", ""
	}
	if st, reason = noKubelet(snap, rep); st == checks.NotApplicable {
		reason += " (CIS 4.1 is about the files of the nodes kubelets run on)"
	}
	return st, "no kubelet process", reason
}

// fileWhere names the files of a rule on a node, for Evidence.Where.
func fileWhere(rule *fileRule, node string) string {
	return rule.What + " (node " + node + ", node agent)"
}

func judgeFiles(rep *snapshot.NodeReport, rule *fileRule) checks.Result {
	ev := checks.Evidence{Expected: rule.expected(), Where: fileWhere(rule, rep.Node)}
	var found, bad []string
	for i := range rep.Files {
		f := &rep.Files[i]
		if !rule.selects(f) {
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

func fileOK(f *snapshot.NodeFile, rule *fileRule) bool {
	if rule.MaxMode != 0 {
		return f.Mode&^rule.MaxMode == 0
	}
	if rule.Owner == "root:root" {
		return f.UID == 0 && f.GID == 0
	}
	user, grp, _ := strings.Cut(rule.Owner, ":")
	return f.User == user && f.Group == grp
}

func describeFile(f *snapshot.NodeFile, rule *fileRule) string {
	if rule.MaxMode != 0 {
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
