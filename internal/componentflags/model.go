package componentflags

import (
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"

	"github.com/kubeposture/kubeposture/snapshot"
)

// Kind is how a component's flag parser reads a flag's occurrences.
type Kind int

const (
	// Single flags (pflag String, Bool, Int, Duration; Go flag for etcd) are last-wins.
	Single Kind = iota
	// List flags are pflag StringSlice: each occurrence is read as one CSV record and the
	// records accumulate (the first occurrence replaces the default, later ones append).
	List
)

// Spec describes one flag of one component: how it is read, its default, and where the
// default comes from in the upstream source (k8s.io/kubernetes v1.37.2 and its staging
// modules, go.etcd.io/etcd/server/v3 v3.7.0).
type Spec struct {
	Kind Kind
	// Default is the binary's value when the flag is absent ("" for no value: unset).
	Default string
	// Source names the upstream file that sets Default.
	Source string
}

const (
	srcAuthn      = "k8s.io/kubernetes pkg/kubeapiserver/options/authentication.go"
	srcAuthz      = "k8s.io/kubernetes pkg/kubeapiserver/options/authorization.go (Complete: empty list means AlwaysAllow)"
	srcAudit      = "k8s.io/apiserver pkg/server/options/audit.go (NewAuditOptions)"
	srcServing    = "k8s.io/apiserver pkg/server/options/serving.go (NewSecureServingOptions: BindAddress 0.0.0.0)"
	srcProfiling  = "k8s.io/apiserver pkg/server/config.go (NewConfig: EnableProfiling true)"
	srcDebugging  = "k8s.io/component-base config/v1alpha1/defaults.go (RecommendedDebuggingConfiguration: EnableProfiling true)"
	srcAdmission  = "k8s.io/kubernetes pkg/kubeapiserver/options/plugins.go (DefaultOffAdmissionPlugins)"
	srcKCMShared  = "k8s.io/cloud-provider options/kubecloudshared.go (UseServiceAccountCredentials: zero value false)"
	srcPodGC      = "k8s.io/kubernetes pkg/controller/podgc/config/v1alpha1/defaults.go"
	srcFeatures   = "k8s.io/kubernetes pkg/features/kube_features.go"
	srcEtcdConfig = "go.etcd.io/etcd/server/v3 embed/config.go (AddFlags: zero values)"
	srcUnset      = "no default: unset"
)

// specs lists, per component, the flags the checks read. A flag not listed is read as a
// single-value flag with no default.
var specs = map[string]map[string]Spec{
	"kube-apiserver": {
		"anonymous-auth":                          {Single, "true", srcAuthn + " (WithAnonymous: Allow true)"},
		"authorization-mode":                      {List, "AlwaysAllow", srcAuthz},
		"profiling":                               {Single, "true", srcProfiling},
		"enable-admission-plugins":                {List, "", srcAdmission},
		"disable-admission-plugins":               {List, "", srcAdmission},
		"admission-control":                       {List, "", "k8s.io/kubernetes pkg/kubeapiserver/options/admission.go (deprecated; replaces the set)"},
		"audit-log-maxage":                        {Single, "366", srcAudit},
		"audit-log-maxbackup":                     {Single, "100", srcAudit},
		"audit-log-maxsize":                       {Single, "100", srcAudit},
		"service-account-lookup":                  {Single, "true", srcAuthn + " (ServiceAccounts.Lookup = true)"},
		"service-account-extend-token-expiration": {Single, "true", srcAuthn + " (ServiceAccounts.ExtendExpiration = true)"},
		"tls-cipher-suites":                       {List, "", "k8s.io/apiserver pkg/server/options/serving.go (unset: Go crypto/tls defaults)"},
		"request-timeout":                         {Single, "1m0s", "k8s.io/apiserver pkg/server/config.go (NewConfig: RequestTimeout 60s)"},
	},
	"kube-controller-manager": {
		"profiling":                       {Single, "true", srcDebugging},
		"use-service-account-credentials": {Single, "false", srcKCMShared},
		"bind-address":                    {Single, "0.0.0.0", srcServing},
		"terminated-pod-gc-threshold":     {Single, "12500", srcPodGC},
		"feature-gates":                   {Single, "", srcFeatures},
	},
	"kube-scheduler": {
		"profiling":    {Single, "true", "k8s.io/kubernetes cmd/kube-scheduler/app/options/deprecated.go (ignored with --config)"},
		"bind-address": {Single, "0.0.0.0", srcServing},
	},
	"etcd": {
		"client-cert-auth":      {Single, "false", srcEtcdConfig},
		"peer-client-cert-auth": {Single, "false", srcEtcdConfig},
		"auto-tls":              {Single, "false", srcEtcdConfig},
		"peer-auto-tls":         {Single, "false", srcEtcdConfig},
	},
}

// SpecOf returns the spec of a component's flag; unknown flags are single-value and unset
// by default.
func SpecOf(component, name string) Spec {
	if s, ok := specs[component][name]; ok {
		return s
	}
	return Spec{Kind: Single, Source: srcUnset}
}

// Value is the effective value of one flag of one component instance.
type Value struct {
	Name string
	Spec Spec
	// Set is true when the flag was given on the command line (or, for etcd, in an ETCD_*
	// environment variable).
	Set bool
	// Origin says where the effective value comes from: "flag", "env ETCD_X" or "default".
	Origin string
	// Raw is the effective value of a single-value flag ("true" for a bare flag).
	Raw string
	// Items are the accumulated tokens of a list flag (the default's when not set).
	Items []string
	// Count is the number of occurrences on the command line.
	Count int
	Bare  bool
	// Err says why the component would refuse to start with this value (an unreadable comma
	// list, an etcd variable shadowed by a flag); a check must not pass it.
	Err error
}

// Lookup returns the effective value of flag name of component c, as its parser reads it.
//
// etcd (go.etcd.io/etcd/server/v3 etcdmain/config.go, pkg/flags SetFlagsFromEnv) applies an
// ETCD_NAME_WITH_UNDERSCORES variable only to a flag not given on the command line, and only
// when it is not empty; when both are given it exits ("conflicting environment variable is
// shadowed by corresponding command-line flag"), which Lookup reports in Err.
func Lookup(c *snapshot.Component, name string) Value {
	v := Value{Name: name, Spec: SpecOf(c.Name, name), Origin: "default"}
	var records []string
	for _, f := range c.Flags {
		if f.Name != name {
			continue
		}
		v.Count++
		v.Set, v.Bare, v.Origin = true, f.Bare, "flag"
		v.Raw = f.Value
		if f.Bare {
			v.Raw = "true"
		}
		records = append(records, v.Raw)
	}
	if c.Name == "etcd" {
		key := EtcdEnv(name)
		for _, e := range c.Env {
			if e.Name != key || e.Value == "" {
				continue
			}
			if v.Set {
				v.Err = fmt.Errorf("both --%s and %s are set: etcd exits on start (conflicting environment variable)", name, key)
				continue
			}
			v.Set, v.Origin, v.Raw, v.Count = true, "env "+key, e.Value, 1
			records = []string{e.Value}
		}
	}
	if !v.Set {
		v.Raw = v.Spec.Default
		if v.Spec.Kind == List && v.Spec.Default != "" {
			v.Items, _ = splitList([]string{v.Spec.Default})
		}
		return v
	}
	if v.Spec.Kind == List {
		items, err := splitList(records)
		if err != nil && v.Err == nil {
			v.Err = err
		}
		v.Items = items
		v.Raw = strings.Join(items, ",")
	}
	return v
}

// EtcdEnv is the environment variable etcd reads for a flag (pkg/flags FlagToEnv).
func EtcdEnv(flag string) string {
	return "ETCD_" + strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))
}

// splitList reads each record as pflag's StringSlice does (encoding/csv, one record per
// occurrence; "" is no items) and accumulates them. Tokens are trimmed of spaces: the
// component would reject " RBAC" as unknown, so trimming judges what the author meant.
func splitList(records []string) ([]string, error) {
	var out []string
	for _, r := range records {
		if r == "" {
			continue
		}
		rec, err := csv.NewReader(strings.NewReader(r)).Read()
		if err != nil {
			return out, fmt.Errorf("%q is not a comma list pflag can read: %v", r, err)
		}
		for _, t := range rec {
			if t = strings.TrimSpace(t); t != "" {
				out = append(out, t)
			}
		}
	}
	return out, nil
}

// Bool reads the value as pflag's and Go flag's bool flags do (strconv.ParseBool).
func (v Value) Bool() (bool, error) {
	if v.Err != nil {
		return false, v.Err
	}
	b, err := strconv.ParseBool(v.Raw)
	if err != nil {
		return false, fmt.Errorf("%q is not a boolean: the component would refuse to start", v.Raw)
	}
	return b, nil
}

// Int reads the value as pflag's IntVar does.
func (v Value) Int() (int, error) {
	if v.Err != nil {
		return 0, v.Err
	}
	n, err := strconv.ParseInt(v.Raw, 0, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not an integer: the component would refuse to start", v.Raw)
	}
	return int(n), nil
}

// Present is true when the flag is set to a non-empty value: "--x=" leaves a path flag
// empty, which the components treat as unset.
func (v Value) Present() bool {
	return v.Set && !v.Bare && strings.TrimSpace(v.Raw) != ""
}

// Describe renders the value for Evidence.Observed: the value and where it came from, or
// the default and its source when absent.
func (v Value) Describe() string {
	if !v.Set {
		d := v.Spec.Default
		if d == "" {
			d = "unset"
		}
		return fmt.Sprintf("absent (default: %s; %s)", d, v.Spec.Source)
	}
	s := strconv.Quote(v.Raw)
	if v.Bare {
		s = "--" + v.Name + " without a value (true)"
	}
	switch {
	case strings.HasPrefix(v.Origin, "env "):
		s += " (from " + strings.TrimPrefix(v.Origin, "env ") + ")"
	case v.Count > 1 && v.Spec.Kind == List:
		s += fmt.Sprintf(" (flag given %d times: the values accumulate)", v.Count)
	case v.Count > 1:
		s += fmt.Sprintf(" (last of %d occurrences, which wins)", v.Count)
	}
	if v.Err != nil {
		s += " (" + v.Err.Error() + ")"
	}
	return s
}
