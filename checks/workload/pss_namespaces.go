package workload

import (
	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"
	admissionapi "k8s.io/pod-security-admission/admission/api"
	"k8s.io/pod-security-admission/api"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

// nsPolicy is how the PodSecurity admission plugin judges the pods of one namespace: its
// labels over the cluster-wide defaults, as api.PolicyToEvaluate (the plugin's own function)
// combines them.
type nsPolicy struct {
	policy api.Policy
	// errs are the labels the plugin cannot read. Their mode is then judged fail-closed
	// (enforce at restricted) for enforce and fail-open for warn and audit, as upstream.
	errs field.ErrorList
	// labels holds the pod-security.kubernetes.io labels the namespace sets.
	labels map[string]string
	// exempt: the admission configuration exempts the namespace; nothing in it is judged.
	exempt bool
}

// nsPolicies are the policies of every namespace, with the defaults they were built on.
type nsPolicies struct {
	byName   map[string]*nsPolicy
	defaults api.Policy
	// config is the plugin's configuration, nil when no admission configuration was given
	// (the defaults are then the plugin's own: privileged, latest, no exemptions).
	config *snapshot.PodSecurityConfig
}

type nsPoliciesKey struct{}

// namespacePolicies builds the policy of every namespace once per run.
func namespacePolicies(s *snapshot.Snapshot) *nsPolicies {
	return checks.Memo(s, nsPoliciesKey{}, func() *nsPolicies {
		ps := &nsPolicies{byName: make(map[string]*nsPolicy, len(s.Namespaces))}
		ps.defaults, ps.config = defaultPolicy(s)
		for i := range s.Namespaces {
			ns := &s.Namespaces[i]
			ps.byName[ns.Name] = ps.build(ns.Name, ns.Labels)
		}
		return ps
	})
}

// of returns the policy of namespace name; a namespace missing from the snapshot gets the
// defaults.
func (ps *nsPolicies) of(name string) *nsPolicy {
	if p, ok := ps.byName[name]; ok {
		return p
	}
	return ps.build(name, nil)
}

func (ps *nsPolicies) build(name string, labels map[string]string) *nsPolicy {
	p, errs := api.PolicyToEvaluate(labels, ps.defaults)
	np := &nsPolicy{policy: p, errs: errs}
	for k, v := range labels {
		if strings.HasPrefix(k, "pod-security.kubernetes.io/") {
			if np.labels == nil {
				np.labels = map[string]string{}
			}
			np.labels[k] = v
		}
	}
	if ps.config != nil {
		np.exempt = slices.Contains(ps.config.Exemptions.Namespaces, name)
	}
	return np
}

// runtimeClassExempt reports whether the configuration exempts pods of runtime class rc.
func (ps *nsPolicies) runtimeClassExempt(rc *string) bool {
	return ps.config != nil && rc != nil && *rc != "" && slices.Contains(ps.config.Exemptions.RuntimeClasses, *rc)
}

// defaultsSource says where the defaults come from, for evidence.
func (ps *nsPolicies) defaultsSource() string {
	if ps.config == nil {
		return "the plugin's built-in defaults (admission configuration not read)"
	}
	return "the admission configuration " + ps.config.Path
}

// podSecurityConfig finds the PodSecurity plugin's configuration: a copy given with
// --admission-config, else the node report of a kube-apiserver's node (the agent reads the
// file the static pod names), else, when every kube-apiserver is visible and none sets
// --admission-control-config-file, the plugin's built-in configuration. Otherwise it is
// unknown (nil), and why is returned.
func podSecurityConfig(s *snapshot.Snapshot) (*snapshot.PodSecurityConfig, string) {
	if s.Files != nil && s.Files.PodSecurity != nil {
		return s.Files.PodSecurity, ""
	}
	apiservers := s.Components("kube-apiserver")
	var named []string
	for _, c := range apiservers {
		if r := s.NodeReport(c.Node); r != nil && r.PodSecurity != nil {
			cfg := *r.PodSecurity
			cfg.Path += " (node report of " + r.Node + ")"
			return &cfg, ""
		}
		if v, ok := c.Flag("admission-control-config-file"); ok && v != "" {
			named = append(named, v)
		}
	}
	switch {
	case len(apiservers) == 0:
		return nil, "the kube-apiserver is not visible (managed control plane, or not a static pod): pass a copy of its --admission-control-config-file with --admission-config"
	case len(named) > 0:
		return nil, fmt.Sprintf("the API server's --admission-control-config-file=%s was not read: pass a copy with --admission-config, or the node report of its node with --node-reports", named[0])
	}
	return &snapshot.PodSecurityConfig{
		Path:   "kube-apiserver without --admission-control-config-file",
		Source: "defaults",
		Defaults: snapshot.PodSecurityDefaults{Enforce: "privileged", EnforceVersion: "latest",
			Audit: "privileged", AuditVersion: "latest", Warn: "privileged", WarnVersion: "latest"},
	}, ""
}

// defaultPolicy is the policy of a namespace without labels: the configuration's defaults (read
// with the plugin's ToPolicy) or, when it is unknown, the plugin's built-in defaults, privileged
// at latest for every mode, which is also what every managed offering runs.
func defaultPolicy(s *snapshot.Snapshot) (api.Policy, *snapshot.PodSecurityConfig) {
	builtin := api.Policy{
		Enforce: api.LevelVersion{Level: api.LevelPrivileged, Version: api.LatestVersion()},
		Audit:   api.LevelVersion{Level: api.LevelPrivileged, Version: api.LatestVersion()},
		Warn:    api.LevelVersion{Level: api.LevelPrivileged, Version: api.LatestVersion()},
	}
	c, _ := podSecurityConfig(s)
	if c == nil {
		return builtin, nil
	}
	d := c.Defaults
	p, err := admissionapi.ToPolicy(admissionapi.PodSecurityDefaults{
		Enforce: d.Enforce, EnforceVersion: d.EnforceVersion,
		Audit: d.Audit, AuditVersion: d.AuditVersion,
		Warn: d.Warn, WarnVersion: d.WarnVersion,
	})
	if err != nil {
		// Only a hand-made snapshot gets here: the collector and the node agent validate the
		// configuration as the API server does, which refuses to start with invalid defaults.
		return builtin, c
	}
	return p, c
}

// describe renders the labels of mode as the namespace sets them, or the default it falls
// back to.
func (np *nsPolicy) describe(mode string, lv api.LevelVersion) string {
	level, hasLevel := np.labels[api.EnforceLevelLabel]
	version, hasVersion := np.labels[api.EnforceVersionLabel]
	switch mode {
	case "audit":
		level, hasLevel = np.labels[api.AuditLevelLabel]
		version, hasVersion = np.labels[api.AuditVersionLabel]
	case "warn":
		level, hasLevel = np.labels[api.WarnLevelLabel]
		version, hasVersion = np.labels[api.WarnVersionLabel]
	}
	var parts []string
	if hasLevel {
		parts = append(parts, fmt.Sprintf("%s=%s", mode, level))
	} else {
		parts = append(parts, fmt.Sprintf("%s unlabelled (default %s)", mode, lv.Level))
	}
	if hasVersion {
		parts = append(parts, fmt.Sprintf("%s-version=%s", mode, version))
	}
	return strings.Join(parts, ", ")
}
