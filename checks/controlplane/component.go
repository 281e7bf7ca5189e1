package controlplane

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/internal/componentflags"
	"github.com/kubeposture/kubeposture/snapshot"
)

const (
	controllerManager = "kube-controller-manager"
	scheduler         = "kube-scheduler"
	etcd              = "etcd"
)

// eachComponent judges every instance of the named component, one result per instance, as
// eachAPIServer does for the API server's original controls (whose reports word a managed
// control plane differently).
func eachComponent(snap *snapshot.Snapshot, name string, judge func(c *snapshot.Component) checks.Result) []checks.Result {
	return eachInstance(snap, name, "the provider runs "+name+" and sets its flags", judge)
}

// eachInstance judges every instance of the named component (snapshot.Components: from its
// mirror pod, or else from the static pod manifest in its node's report), one result per
// instance. With no instance it returns the single result saying why: NOT_APPLICABLE on a
// managed control plane (managed says what the provider does), NOT_EVALUATED otherwise.
func eachInstance(snap *snapshot.Snapshot, name, managed string, judge func(c *snapshot.Component) checks.Result) []checks.Result {
	comps := snap.Components(name)
	if len(comps) == 0 {
		cluster := checks.Resource{Kind: "Cluster"}
		if p := snap.Cluster.Provider; p.Managed() {
			return []checks.Result{{Status: checks.NotApplicable, Resource: cluster,
				Reason: fmt.Sprintf("control plane managed by %s: %s; check the provider's documentation", p, managed)}}
		}
		return []checks.Result{{Status: checks.NotEvaluated, Resource: cluster, Reason: notSeen(snap, name)}}
	}
	out := make([]checks.Result, 0, len(comps))
	for _, c := range comps {
		r := judge(c)
		r.Resource = checks.Resource{Kind: "Component", Namespace: c.Namespace, Name: c.Pod}
		out = append(out, r)
	}
	return out
}

// notSeen says why no instance of the named component was found: the collector did not read
// the kube-system pods (in the engine's words for an input not collected) or found no static
// pod among them, and no node report holds the component's manifest.
func notSeen(snap *snapshot.Snapshot, name string) string {
	col, attempted := snap.Status(snapshot.ResControlPlane)
	seen := attempted && (col.State == snapshot.Collected || col.State == snapshot.Partial)
	var reason string
	switch {
	case !attempted:
		reason = fmt.Sprintf("%s was not collected", snapshot.ResControlPlane)
	case !seen:
		reason = fmt.Sprintf("%s: %s", snapshot.ResControlPlane, col.State)
		if col.Message != "" {
			reason += ": " + col.Message
		}
	default:
		reason = fmt.Sprintf("no %s static pod found in kube-system: the control plane is not visible to the collector (managed, or not run as static pods)", name)
	}
	switch {
	case len(snap.NodeReports) > 0:
		reason += fmt.Sprintf("; no node report holds a %s static pod manifest", name)
	case !seen:
		reason += "; the control-plane nodes' reports ('audit node' there, merged with --node-reports) would give its static pod manifest"
	}
	return reason
}

// whereValue names where a value was read: the flag, or etcd's environment variable.
func whereValue(c *snapshot.Component, v componentflags.Value) string {
	if strings.HasPrefix(v.Origin, "env ") {
		return fmt.Sprintf("%s env %s (%s%s)", c.Name, strings.TrimPrefix(v.Origin, "env "), c.Source(), drift(c, v.Name))
	}
	return where(c, v.Name)
}

// drift notes, for the evidence, how the static pod manifest on an instance's node sets flags
// that its mirror pod sets otherwise (c.Static): what the kubelet was told to run is not what
// runs (a restart pending, or a manifest changed since). The verdict is on the mirror pod, what
// runs; "" when they agree, or when there is no manifest to compare.
func drift(c *snapshot.Component, flags ...string) string {
	m := c.Static
	if m == nil {
		return ""
	}
	var diffs []string
	for _, f := range flags {
		if running, declared := settings(c, f), settings(m, f); running != declared {
			diffs = append(diffs, "--"+f+" "+declared)
		}
	}
	if len(diffs) == 0 {
		return ""
	}
	return fmt.Sprintf("; differs from the manifest %s on node %s, which has %s", m.Manifest, c.Node, strings.Join(diffs, ", "))
}

// settings renders every setting of a flag in c, in order: its occurrences on the command line
// and, for etcd, its non-empty ETCD_* variable.
func settings(c *snapshot.Component, flag string) string {
	var out []string
	for _, f := range c.Flags {
		switch {
		case f.Name != flag:
		case f.Bare:
			out = append(out, "without a value")
		default:
			out = append(out, strconv.Quote(f.Value))
		}
	}
	if c.Name == etcd {
		key := componentflags.EtcdEnv(flag)
		for _, e := range c.Env {
			if e.Name == key && e.Value != "" {
				out = append(out, key+"="+strconv.Quote(e.Value))
			}
		}
	}
	if len(out) == 0 {
		return "absent"
	}
	return strings.Join(out, ", ")
}

// configFileOverrides returns a NOT_EVALUATED result when the component reads its settings
// from a file that replaces the flags (etcd --config-file or ETCD_CONFIG_FILE; kube-scheduler
// --config for its deprecated flags), which the snapshot does not hold.
func configFileOverrides(c *snapshot.Component, flag, expected string) (checks.Result, bool) {
	var file, origin string
	switch c.Name {
	case etcd:
		// etcdmain/config.go: "if a configuration file is provided, other command line flags
		// and environment variables will be ignored".
		v := componentflags.Lookup(c, "config-file")
		if !v.Present() {
			return checks.Result{}, false
		}
		file, origin = v.Raw, whereValue(c, v)
	case scheduler:
		// cmd/kube-scheduler/app/options/deprecated.go: the deprecated flags (--profiling
		// among them) are "ignored if a config file is specified in --config".
		v := componentflags.Lookup(c, "config")
		if flag != "profiling" || !v.Present() {
			return checks.Result{}, false
		}
		file, origin = v.Raw, whereValue(c, v)
	default:
		return checks.Result{}, false
	}
	return checks.Result{Status: checks.NotEvaluated,
		Evidence: checks.Evidence{Where: origin, Observed: "configuration file " + file, Expected: expected},
		Reason:   fmt.Sprintf("%s reads its settings from %s and ignores --%s there; the snapshot does not hold the file", c.Name, file, flag)}, true
}

// nsaAreas maps controls of this package to the areas of the NSA/CISA Kubernetes Hardening
// Guide they check, by the ids kubescape gives those areas (what References.NSA holds):
// C-0066 "Secret/etcd encryption enabled", the guide's "etcd / secrets encryption" under
// network separation and hardening, which kubescape tests as --encryption-provider-config
// set; C-0067 "Audit logs enabled", its "Audit logging and threat detection", tested as
// --audit-policy-file set. It is the one place this package states them: flagRule.check and
// the controls registered from their own files read it.
var nsaAreas = map[string][]string{
	"KP-CP-044": {"C-0067"},
	"KP-CP-026": {"C-0066"},
}

const (
	manifestAPIServer = "/etc/kubernetes/manifests/kube-apiserver.yaml"
	manifestKCM       = "/etc/kubernetes/manifests/kube-controller-manager.yaml"
	manifestScheduler = "/etc/kubernetes/manifests/kube-scheduler.yaml"
	manifestEtcd      = "/etc/kubernetes/manifests/etcd.yaml"
)

// fix renders a remediation: the change, in the manifest of each control-plane node.
func fix(change, manifest string) string {
	return change + " in " + manifest + " on each control-plane node (the kubelet restarts the static pod)."
}
