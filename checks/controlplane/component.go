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

const (
	controllerManager = "kube-controller-manager"
	scheduler         = "kube-scheduler"
	etcd              = "etcd"
)

// eachComponent judges every instance of the named component, one result per instance. With
// no instance it says why, as eachAPIServer does: NOT_APPLICABLE on a managed control plane,
// NOT_EVALUATED otherwise.
func eachComponent(snap *snapshot.Snapshot, name string, judge func(c *snapshot.Component) checks.Result) []checks.Result {
	comps := snap.Components(name)
	if len(comps) == 0 {
		cluster := checks.Resource{Kind: "Cluster"}
		if p := snap.Cluster.Provider; p.Managed() {
			return []checks.Result{{Status: checks.NotApplicable, Resource: cluster,
				Reason: fmt.Sprintf("control plane managed by %s: the provider runs %s and sets its flags; check the provider's documentation", p, name)}}
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

// requireBool judges a boolean flag that must equal want. An absent flag is the binary's
// default; a value the parser cannot read fails (the component would not start).
func requireBool(c *snapshot.Component, flag string, want bool) checks.Result {
	expected := fmt.Sprintf("--%s=%t", flag, want)
	if r, ok := configFileOverrides(c, flag, expected); ok {
		return r
	}
	v := componentflags.Lookup(c, flag)
	ev := checks.Evidence{Where: whereValue(c, v), Expected: expected, Observed: v.Describe()}
	b, err := v.Bool()
	if err != nil {
		if !strings.Contains(ev.Observed, err.Error()) {
			ev.Observed += " (" + err.Error() + ")"
		}
		return checks.Result{Status: checks.Fail, Evidence: ev}
	}
	return verdict(b == want, ev)
}

// requirePresent judges path flags that must all be set to a non-empty value.
func requirePresent(c *snapshot.Component, flags ...string) checks.Result {
	var expected []string
	for _, f := range flags {
		expected = append(expected, "--"+f+" set")
	}
	if r, ok := configFileOverrides(c, flags[0], strings.Join(expected, " and ")); ok {
		return r
	}
	var observed, wheres []string
	pass := true
	for _, f := range flags {
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

// requireAbsent judges a flag that must not be set.
func requireAbsent(c *snapshot.Component, flag string) checks.Result {
	v := componentflags.Lookup(c, flag)
	ev := checks.Evidence{Where: whereValue(c, v), Expected: "--" + flag + " not set", Observed: v.Describe()}
	return verdict(!v.Present(), ev)
}

// requireAtLeast judges an integer flag that must be at least min. A path condition (for
// audit log rotation, --audit-log-path to a file) is checked by the caller.
func requireAtLeast(c *snapshot.Component, flag string, min int) checks.Result {
	v := componentflags.Lookup(c, flag)
	ev := checks.Evidence{Where: whereValue(c, v), Expected: fmt.Sprintf("--%s >= %d", flag, min), Observed: v.Describe()}
	n, err := v.Int()
	if err != nil {
		ev.Observed += " (" + err.Error() + ")"
		return checks.Result{Status: checks.Fail, Evidence: ev}
	}
	return verdict(n >= min, ev)
}

// requireLoopback judges --bind-address, which must be the loopback address 127.0.0.1 (or
// ::1). The value is parsed as an IP and compared exactly: 127.0.0.10 is not 127.0.0.1, and
// the default 0.0.0.0 listens on every interface.
func requireLoopback(c *snapshot.Component, flag string) checks.Result {
	v := componentflags.Lookup(c, flag)
	ev := checks.Evidence{Where: whereValue(c, v), Expected: "--" + flag + "=127.0.0.1", Observed: v.Describe()}
	ip := net.ParseIP(strings.TrimSpace(v.Raw))
	pass := ip != nil && (ip.Equal(net.IPv4(127, 0, 0, 1)) || ip.Equal(net.IPv6loopback))
	if ip == nil {
		ev.Observed += " (not an IP address)"
	}
	return verdict(pass, ev)
}

// requirePlugin judges an admission plugin that must be on (want true) or off in the
// effective set (see componentflags.EffectiveAdmission).
func requirePlugin(c *snapshot.Component, plugin string, want bool) checks.Result {
	a := componentflags.EffectiveAdmission(c)
	state := "enabled"
	if !want {
		state = "not enabled"
	}
	ev := checks.Evidence{
		Where:    where(c, "enable-admission-plugins") + ", --disable-admission-plugins, --admission-control",
		Expected: plugin + " " + state + " in the effective admission plugin set",
		Observed: fmt.Sprintf("%s %s: %s", plugin, map[bool]string{true: "enabled", false: "not enabled"}[a.Has(plugin)], a.Observed),
	}
	if a.Err != nil {
		return checks.Result{Status: checks.Fail, Evidence: ev}
	}
	return verdict(a.Has(plugin) == want, ev)
}

// nsaAreas maps controls of this package to the NSA/CISA hardening guide areas they check,
// by their kubescape ids (../shared/reference/nsa-controls.tsv): C-0066 secret/etcd
// encryption, C-0067 audit logs.
var nsaAreas = map[string][]string{
	"KP-CP-016": {"C-0067"}, "KP-CP-044": {"C-0067"},
	"KP-CP-026": {"C-0066"}, "KP-CP-045": {"C-0066"},
}

// register adds a control of this package; the Inputs are always the control-plane pods.
func register(id, cis, title string, sev checks.Severity, description, remediation string, eval func(*snapshot.Snapshot) []checks.Result) {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID: id, Title: title, Layer: checks.ControlPlane, Severity: sev,
			Description: description, Remediation: remediation,
			References: checks.References{CIS: []string{cis}, NSA: nsaAreas[id]},
		},
		Inputs:   inputs,
		Evaluate: eval,
	})
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

// auditRotation judges an --audit-log-max* flag, which means something only when the audit
// log is a file: without --audit-log-path, or with "-" (standard out), there is nothing to
// rotate.
func auditRotation(c *snapshot.Component, flag string, min int) checks.Result {
	path := componentflags.Lookup(c, "audit-log-path")
	if !path.Present() || strings.TrimSpace(path.Raw) == "-" {
		return checks.Result{Status: checks.NotApplicable,
			Evidence: checks.Evidence{Where: where(c, "audit-log-path"), Observed: "--audit-log-path: " + path.Describe(), Expected: fmt.Sprintf("--%s >= %d with an audit log file", flag, min)},
			Reason:   "no audit log file to rotate (KP-CP-016 judges --audit-log-path)"}
	}
	return requireAtLeast(c, flag, min)
}

// strongCipherSuites are the TLS 1.2 suites CIS 1.12 (1.2.29) accepts; Go names them the same
// (crypto/tls cipher_suites.go).
var strongCipherSuites = map[string]bool{
	"TLS_AES_128_GCM_SHA256": true, "TLS_AES_256_GCM_SHA384": true, "TLS_CHACHA20_POLY1305_SHA256": true,
	"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256": true, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384": true,
	"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305": true, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256": true,
	"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256": true, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384": true,
	"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305": true, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256": true,
}

func cipherSuites(c *snapshot.Component) checks.Result {
	v := componentflags.Lookup(c, "tls-cipher-suites")
	ev := checks.Evidence{Where: where(c, "tls-cipher-suites"), Expected: "only strong suites (ECDHE with AES-GCM or ChaCha20-Poly1305)", Observed: v.Describe()}
	if v.Err != nil {
		return checks.Result{Status: checks.Fail, Evidence: ev}
	}
	if len(v.Items) == 0 {
		ev.Observed += " (Go crypto/tls defaults, which include TLS_ECDHE_*_WITH_AES_*_CBC_SHA)"
		return checks.Result{Status: checks.Fail, Evidence: ev}
	}
	var weak []string
	for _, s := range v.Items {
		if !strongCipherSuites[s] {
			weak = append(weak, s)
		}
	}
	if len(weak) > 0 {
		ev.Observed += "; not strong: " + strings.Join(weak, ",")
	}
	return verdict(len(weak) == 0, ev)
}

// featureGate judges one gate of --feature-gates, read as component-base's featuregate Set
// does: "k=v" pairs separated by commas, values by strconv.ParseBool, each occurrence merged
// into the map (a later value of a key wins). def is the gate's default.
func featureGate(c *snapshot.Component, gate string, want bool) checks.Result {
	ev := checks.Evidence{Where: where(c, "feature-gates"), Expected: fmt.Sprintf("%s=%t or absent (default true)", gate, want)}
	value, set, n := "", false, 0
	for _, f := range c.Flags {
		if f.Name != "feature-gates" {
			continue
		}
		n++
		for _, kv := range strings.Split(f.Value, ",") {
			k, v, ok := strings.Cut(strings.TrimSpace(kv), "=")
			if ok && strings.TrimSpace(k) == gate {
				value, set = strings.TrimSpace(v), true
			}
		}
	}
	if !set {
		ev.Observed = fmt.Sprintf("%s not in --feature-gates (default: true; k8s.io/kubernetes pkg/features/kube_features.go)", gate)
		return verdict(want, ev)
	}
	ev.Observed = fmt.Sprintf("%s=%s", gate, value)
	if n > 1 {
		ev.Observed += fmt.Sprintf(" (--feature-gates given %d times: the maps merge, the later value wins)", n)
	}
	b, err := strconv.ParseBool(value)
	if err != nil {
		ev.Observed += " (not a boolean: the component would refuse to start)"
		return checks.Result{Status: checks.Fail, Evidence: ev}
	}
	return verdict(b == want, ev)
}

// etcdCA judges etcd's --trusted-ca-file against the API servers' --client-ca-file.
func etcdCA(snap *snapshot.Snapshot, c *snapshot.Component) checks.Result {
	const flag = "trusted-ca-file"
	expected := "--trusted-ca-file set to a CA used by etcd only"
	if r, ok := configFileOverrides(c, flag, expected); ok {
		return r
	}
	v := componentflags.Lookup(c, flag)
	ev := checks.Evidence{Where: whereValue(c, v), Expected: expected, Observed: v.Describe()}
	if !v.Present() {
		return checks.Result{Status: checks.Fail, Evidence: ev}
	}
	var others []string
	for _, a := range snap.Components(apiserver) {
		ca := componentflags.Lookup(a, "client-ca-file")
		if !ca.Present() {
			continue
		}
		if ca.Raw == v.Raw {
			ev.Observed += "; the same file is the --client-ca-file of " + a.Pod
			return checks.Result{Status: checks.Fail, Evidence: ev}
		}
		others = append(others, ca.Raw+" ("+a.Pod+")")
	}
	reason := "the snapshot holds file paths, not certificates: check that " + v.Raw + " is not the cluster CA"
	if len(others) > 0 {
		reason += " " + strings.Join(others, ", ")
	}
	return checks.Result{Status: checks.Manual, Evidence: ev, Reason: reason}
}

// manualValue reports the effective value of a flag whose right value depends on the cluster
// (CIS "as appropriate"): MANUAL, with the value and its origin for the person who decides.
func manualValue(c *snapshot.Component, flag, question string) checks.Result {
	v := componentflags.Lookup(c, flag)
	return checks.Result{Status: checks.Manual,
		Evidence: checks.Evidence{Where: whereValue(c, v), Observed: v.Describe(), Expected: question},
		Reason:   question + ": the right value depends on the cluster's workload, which only its operators know"}
}
