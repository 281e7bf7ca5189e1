package controlplane

import (
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/internal/componentflags"
	"github.com/kubeposture/kubeposture/snapshot"
)

// flagRule is a control that is one rule on one component's flags: a row of a flagTable.
type flagRule struct {
	ID string
	// CIS is the CIS Benchmark item the rule decides, "" when it decides none.
	CIS      string
	Title    string
	Severity checks.Severity
	// Rule is what the flags must say: one of the rule types below.
	Rule flagCheck
	// Default is what the component runs with when the flag is absent ("" for unset; "on" or
	// "off" for an admission plugin), and Source is where upstream sets it: the two justify
	// the verdict on a command line that does not mention the flag.
	Default string
	Source  string
	// Allowed says which values pass, and what fails or is left to a person.
	Allowed     string
	Description string
	Remediation string
}

// flagTable is one component's flag rules.
type flagTable struct {
	Component string
	Rules     []flagRule
}

// flagTables are the tables of apiserver_flags.go, etcd_flags.go,
// controller_manager_flags.go and scheduler_flags.go.
var flagTables = []flagTable{apiserverFlags, etcdFlags, controllerManagerFlags, schedulerFlags}

func init() {
	for _, t := range flagTables {
		for _, r := range t.Rules {
			checks.Register(r.check(t.Component))
		}
	}
}

// check is the registered form of r: one result per instance of component.
func (r flagRule) check(component string) checks.Check {
	return checks.Check{
		Control: checks.Control{
			ID:          r.ID,
			Title:       r.Title,
			Layer:       checks.ControlPlane,
			Severity:    r.Severity,
			Description: r.Description,
			Remediation: r.Remediation,
			References:  checks.References{CIS: strings.Fields(r.CIS), NSA: nsaAreas[r.ID]},
		},
		AnyInputs: sources,
		Evaluate: func(snap *snapshot.Snapshot) []checks.Result {
			return eachComponent(snap, component, r.Rule.judge)
		},
	}
}

// flagCheck judges one instance of a component by its flags, read as its own flag parser
// reads them (componentflags.Lookup): single-value flags are last-wins, an absent flag is the
// binary's default, and etcd reads an ETCD_* variable for a flag not on its command line (a
// non-empty variable and the flag together make etcd exit: FAIL).
type flagCheck interface {
	judge(c *snapshot.Component) checks.Result
}

// isBool: a boolean flag must read as Want, in any spelling strconv.ParseBool reads (as pflag
// and Go's flag package do; a bare flag is true). A value the parser cannot read fails: the
// component would not start. A configuration file that replaces the flags (etcd
// --config-file or ETCD_CONFIG_FILE; kube-scheduler --config for its deprecated --profiling)
// leaves it NOT_EVALUATED.
type isBool struct {
	Flag string
	Want bool
}

func (r isBool) judge(c *snapshot.Component) checks.Result {
	expected := fmt.Sprintf("--%s=%t", r.Flag, r.Want)
	if res, ok := configFileOverrides(c, r.Flag, expected); ok {
		return res
	}
	v := componentflags.Lookup(c, r.Flag)
	ev := checks.Evidence{Where: whereValue(c, v), Expected: expected, Observed: v.Describe()}
	b, err := v.Bool()
	if err != nil {
		if !strings.Contains(ev.Observed, err.Error()) {
			ev.Observed += " (" + err.Error() + ")"
		}
		return checks.Result{Status: checks.Fail, Evidence: ev}
	}
	return verdict(b == r.Want, ev)
}

// flagsSet: every one of Flags must be set to a non-empty value (a path: "--x=" is unset to
// the components). A configuration file that replaces etcd's flags leaves it NOT_EVALUATED.
type flagsSet struct {
	Flags []string
}

func (r flagsSet) judge(c *snapshot.Component) checks.Result {
	var expected []string
	for _, f := range r.Flags {
		expected = append(expected, "--"+f+" set")
	}
	if res, ok := configFileOverrides(c, r.Flags[0], strings.Join(expected, " and ")); ok {
		return res
	}
	var observed, wheres []string
	pass := true
	for _, f := range r.Flags {
		v := componentflags.Lookup(c, f)
		wheres = append(wheres, whereValue(c, v))
		if !v.Present() {
			pass = false
		}
		if v.Set && !v.Present() {
			observed = append(observed, "--"+f+" set to an empty value (unset)")
			continue
		}
		observed = append(observed, "--"+f+": "+v.Describe())
	}
	return verdict(pass, checks.Evidence{Where: strings.Join(wheres, "; "), Expected: strings.Join(expected, " and "), Observed: strings.Join(observed, "; ")})
}

// notSet: Flag must be absent or empty.
type notSet struct {
	Flag string
}

func (r notSet) judge(c *snapshot.Component) checks.Result {
	v := componentflags.Lookup(c, r.Flag)
	ev := checks.Evidence{Where: whereValue(c, v), Expected: "--" + r.Flag + " not set", Observed: v.Describe()}
	return verdict(!v.Present(), ev)
}

// auditRotation: an integer --audit-log-max* flag (read as pflag's IntVar does) must be at
// least Min. It means something only when the audit log is a file: without --audit-log-path,
// or with "-" (standard out), there is nothing to rotate (NOT_APPLICABLE).
type auditRotation struct {
	Flag string
	Min  int
}

func (r auditRotation) judge(c *snapshot.Component) checks.Result {
	path := componentflags.Lookup(c, "audit-log-path")
	if !path.Present() || strings.TrimSpace(path.Raw) == "-" {
		return checks.Result{Status: checks.NotApplicable,
			Evidence: checks.Evidence{Where: where(c, "audit-log-path"), Observed: "--audit-log-path: " + path.Describe(), Expected: fmt.Sprintf("--%s >= %d with an audit log file", r.Flag, r.Min)},
			Reason:   "no audit log file to rotate (KP-CP-016 judges --audit-log-path)"}
	}
	v := componentflags.Lookup(c, r.Flag)
	ev := checks.Evidence{Where: whereValue(c, v), Expected: fmt.Sprintf("--%s >= %d", r.Flag, r.Min), Observed: v.Describe()}
	n, err := v.Int()
	if err != nil {
		ev.Observed += " (" + err.Error() + ")"
		return checks.Result{Status: checks.Fail, Evidence: ev}
	}
	return verdict(n >= r.Min, ev)
}

// loopback: a --bind-address flag must be the loopback address 127.0.0.1 (or ::1). The value
// is parsed as an IP and compared exactly: 127.0.0.10 is not 127.0.0.1, and the default
// 0.0.0.0 listens on every interface.
type loopback struct {
	Flag string
}

func (r loopback) judge(c *snapshot.Component) checks.Result {
	v := componentflags.Lookup(c, r.Flag)
	ev := checks.Evidence{Where: whereValue(c, v), Expected: "--" + r.Flag + "=127.0.0.1", Observed: v.Describe()}
	ip := net.ParseIP(strings.TrimSpace(v.Raw))
	pass := ip != nil && (ip.Equal(net.IPv4(127, 0, 0, 1)) || ip.Equal(net.IPv6loopback))
	if ip == nil {
		ev.Observed += " (not an IP address)"
	}
	return verdict(pass, ev)
}

// admissionPlugin: the plugin Name must be in (On) or out of kube-apiserver's effective
// admission plugin set, compared by exact name. The set is computed by
// componentflags.EffectiveAdmission from k8s.io/kubernetes pkg/kubeapiserver/options/plugins.go
// (DefaultOffAdmissionPlugins) and k8s.io/apiserver pkg/server/options/admission.go
// (enabledPluginNames), reading --enable-admission-plugins and --disable-admission-plugins
// (both lists accumulate across repeats) and the deprecated --admission-control (which
// replaces the set). Flags the apiserver refuses (--admission-control with the others, a
// plugin both enabled and disabled, a list pflag cannot read) FAIL.
type admissionPlugin struct {
	Name string
	On   bool
}

func (r admissionPlugin) judge(c *snapshot.Component) checks.Result {
	a := componentflags.EffectiveAdmission(c)
	state := "enabled"
	if !r.On {
		state = "not enabled"
	}
	ev := checks.Evidence{
		Where: fmt.Sprintf("%s flag --enable-admission-plugins (%s%s), --disable-admission-plugins, --admission-control",
			c.Name, c.Source(), drift(c, "enable-admission-plugins", "disable-admission-plugins", "admission-control")),
		Expected: r.Name + " " + state + " in the effective admission plugin set",
		Observed: fmt.Sprintf("%s %s: %s", r.Name, map[bool]string{true: "enabled", false: "not enabled"}[a.Has(r.Name)], a.Observed),
	}
	if a.Err != nil {
		return checks.Result{Status: checks.Fail, Evidence: ev}
	}
	return verdict(a.Has(r.Name) == r.On, ev)
}

// featureGate: the gate Name of --feature-gates must read as On; absent is the gate's
// default, true (the rule serves gates that default to true). The flag is read as
// component-base's featuregate Set does: "k=v" pairs separated by commas, values by
// strconv.ParseBool, each occurrence merged into the map (a later value of a key wins, within
// one occurrence and across repeats). An unreadable value FAILs.
type featureGate struct {
	Name string
	On   bool
}

func (r featureGate) judge(c *snapshot.Component) checks.Result {
	ev := checks.Evidence{Where: where(c, "feature-gates"), Expected: fmt.Sprintf("%s=%t or absent (default true)", r.Name, r.On)}
	value, set, n := "", false, 0
	for _, f := range c.Flags {
		if f.Name != "feature-gates" {
			continue
		}
		n++
		for _, kv := range strings.Split(f.Value, ",") {
			k, v, ok := strings.Cut(strings.TrimSpace(kv), "=")
			if ok && strings.TrimSpace(k) == r.Name {
				value, set = strings.TrimSpace(v), true
			}
		}
	}
	if !set {
		ev.Observed = fmt.Sprintf("%s not in --feature-gates (default: true; k8s.io/kubernetes pkg/features/kube_features.go)", r.Name)
		return verdict(r.On, ev)
	}
	ev.Observed = fmt.Sprintf("%s=%s", r.Name, value)
	if n > 1 {
		ev.Observed += fmt.Sprintf(" (--feature-gates given %d times: the maps merge, the later value wins)", n)
	}
	b, err := strconv.ParseBool(value)
	if err != nil {
		ev.Observed += " (not a boolean: the component would refuse to start)"
		return checks.Result{Status: checks.Fail, Evidence: ev}
	}
	return verdict(b == r.On, ev)
}

// positiveInt: Flag must be set (CIS asks for the argument itself: its audit reads the
// command line, and "as appropriate" leaves the value to the operators) to an integer above
// zero, read as pflag's Int32Var reads it (strconv.ParseInt, base prefixes allowed, 32 bits).
// Absent FAILs, with the default the component then runs with; zero or less FAILs when it
// switches the feature off (Off says how, with its source); a value pflag cannot read FAILs
// (the component would refuse to start).
type positiveInt struct {
	Flag string
	Off  string
}

func (r positiveInt) judge(c *snapshot.Component) checks.Result {
	v := componentflags.Lookup(c, r.Flag)
	ev := checks.Evidence{Where: whereValue(c, v), Expected: "--" + r.Flag + " set to a positive integer", Observed: v.Describe()}
	if !v.Set {
		return checks.Result{Status: checks.Fail, Evidence: ev}
	}
	n, err := strconv.ParseInt(v.Raw, 0, 32)
	switch {
	case v.Err != nil:
		return checks.Result{Status: checks.Fail, Evidence: ev}
	case v.Bare || err != nil:
		ev.Observed += " (not a 32-bit integer: the component would refuse to start)"
		return checks.Result{Status: checks.Fail, Evidence: ev}
	case n <= 0:
		ev.Observed += " (" + r.Off + ")"
		return checks.Result{Status: checks.Fail, Evidence: ev}
	}
	return checks.Result{Status: checks.Pass, Evidence: ev}
}

// asAppropriate: a flag whose right value depends on the cluster (CIS "set as appropriate")
// is MANUAL, with its effective value and origin for the person who decides, and Question as
// what they must answer.
type asAppropriate struct {
	Flag     string
	Question string
}

func (r asAppropriate) judge(c *snapshot.Component) checks.Result {
	v := componentflags.Lookup(c, r.Flag)
	return checks.Result{Status: checks.Manual,
		Evidence: checks.Evidence{Where: whereValue(c, v), Observed: v.Describe(), Expected: r.Question},
		Reason:   r.Question + ": the right value depends on the cluster's workload, which only its operators know"}
}
