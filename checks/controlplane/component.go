package controlplane

import (
	"fmt"
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

// eachInstance judges every instance of the named component, one result per instance. With
// no instance it returns the single result saying why: NOT_APPLICABLE on a managed control
// plane (managed says what the provider does), NOT_EVALUATED otherwise.
func eachInstance(snap *snapshot.Snapshot, name, managed string, judge func(c *snapshot.Component) checks.Result) []checks.Result {
	comps := snap.Components(name)
	if len(comps) == 0 {
		cluster := checks.Resource{Kind: "Cluster"}
		if p := snap.Cluster.Provider; p.Managed() {
			return []checks.Result{{Status: checks.NotApplicable, Resource: cluster,
				Reason: fmt.Sprintf("control plane managed by %s: %s; check the provider's documentation", p, managed)}}
		}
		return []checks.Result{{Status: checks.NotEvaluated, Resource: cluster,
			Reason: fmt.Sprintf("no %s static pod found in kube-system: the control plane is not visible to the collector (managed, or not run as static pods)", name)}}
	}
	out := make([]checks.Result, 0, len(comps))
	for _, c := range comps {
		r := judge(c)
		r.Resource = checks.Resource{Kind: "Component", Namespace: c.Namespace, Name: c.Pod}
		out = append(out, r)
	}
	return out
}

// whereValue names where a value was read: the flag, or etcd's environment variable.
func whereValue(c *snapshot.Component, v componentflags.Value) string {
	if strings.HasPrefix(v.Origin, "env ") {
		return fmt.Sprintf("%s env %s (pod %s/%s)", c.Name, strings.TrimPrefix(v.Origin, "env "), c.Namespace, c.Pod)
	}
	return where(c, v.Name)
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
