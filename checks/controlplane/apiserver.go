package controlplane

import (
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

const apiserver = "kube-apiserver"

// sources are what the checks of a component's instances read them from: the mirror pods of
// the control-plane static pods, or else the static pod manifests in the node reports
// (snapshot.Components). Either suffices for an instance (checks.Check.AnyInputs); with
// neither, eachInstance says why.
var sources = []snapshot.Resource{snapshot.ResControlPlane, snapshot.ResNodeReports}

// eachAPIServer judges every kube-apiserver instance, one result per control-plane node, so
// that one misconfigured node out of three is not hidden. With no instance in the snapshot it
// returns the single result saying why: a provider-run control plane is out of the user's
// reach (NOT_APPLICABLE); otherwise we merely could not see it (NOT_EVALUATED).
func eachAPIServer(snap *snapshot.Snapshot, judge func(c *snapshot.Component) checks.Result) []checks.Result {
	return eachInstance(snap, apiserver, "the provider sets these flags", judge)
}

// where names a flag of one component instance, for Evidence.Where: the flag, where the
// instance was read (its pod, or the static pod manifest on its node), and how the manifest
// sets the flag when it differs from the running pod (drift).
func where(c *snapshot.Component, flag string) string {
	return fmt.Sprintf("%s flag --%s (%s%s)", c.Name, flag, c.Source(), drift(c, flag))
}

func verdict(pass bool, ev checks.Evidence) checks.Result {
	if pass {
		return checks.Result{Status: checks.Pass, Evidence: ev}
	}
	return checks.Result{Status: checks.Fail, Evidence: ev}
}

// requireFalse judges a boolean flag that must be false; def is the binary's value when the
// flag is absent. Values are read with strconv.ParseBool, as pflag's bool flags do. A value
// it cannot read fails: the component would refuse to start with it, and a check never passes
// what it cannot read.
func requireFalse(c *snapshot.Component, flag string, def bool) checks.Result {
	ev := checks.Evidence{Where: where(c, flag), Expected: "--" + flag + "=false"}
	v, set := c.Flag(flag)
	if !set {
		ev.Observed = fmt.Sprintf("absent (default: %t)", def)
		return verdict(!def, ev)
	}
	ev.Observed = describeLast(c, flag, v)
	b, err := strconv.ParseBool(v)
	if err != nil {
		ev.Observed += " (not a boolean: the component would refuse to start)"
		return checks.Result{Status: checks.Fail, Evidence: ev}
	}
	return verdict(!b, ev)
}

// describeLast renders the effective value v of a single-value flag, saying when it is the
// last of several occurrences or was given bare.
func describeLast(c *snapshot.Component, flag, v string) string {
	n, bare := 0, false
	for _, f := range c.Flags {
		if f.Name == flag {
			n++
			bare = f.Bare
		}
	}
	s := strconv.Quote(v)
	if bare {
		s = "--" + flag + " without a value (true)"
	}
	if n > 1 {
		s += fmt.Sprintf(" (last of %d occurrences, which wins)", n)
	}
	return s
}

// Authorization modes, from k8s.io/kubernetes pkg/kubeapiserver/authorizer/modes.
const (
	modeAlwaysAllow = "AlwaysAllow"
	modeNode        = "Node"
	modeRBAC        = "RBAC"
)

// judgeModes judges the kube-apiserver authorizer chain of c with ok, which gets the
// effective list of modes. With --authorization-config the chain is the authorizers of that
// AuthorizationConfiguration file, in order, when it was given to audit
// (--authorization-config); otherwise NOT_EVALUATED.
func judgeModes(snap *snapshot.Snapshot, c *snapshot.Component, expected string, ok func(modes []string) bool) checks.Result {
	ev := checks.Evidence{Where: where(c, "authorization-mode"), Expected: expected}
	if file, set := c.Flag("authorization-config"); set {
		ev.Where = where(c, "authorization-config")
		ev.Observed = "--authorization-config=" + file
		if snap.Files == nil || snap.Files.Authorization == nil {
			return checks.Result{Status: checks.NotEvaluated, Evidence: ev,
				Reason: fmt.Sprintf("the authorizer chain is set in the AuthorizationConfiguration file %s, which the snapshot does not hold: give audit a copy with --authorization-config", file)}
		}
		a := snap.Files.Authorization
		ev.Where = fmt.Sprintf("AuthorizationConfiguration %s (the apiserver's --authorization-config=%s)", a.Path, file)
		ev.Observed = "authorizers " + strings.Join(a.Authorizers, ", ")
		if _, both := c.Flag("authorization-mode"); both {
			ev.Observed += " (with --authorization-mode too: the apiserver would refuse to start)"
			return checks.Result{Status: checks.Fail, Evidence: ev}
		}
		return verdict(ok(a.Authorizers), ev)
	}
	modes, observed, err := authorizationModes(c)
	ev.Observed = observed
	if err != nil {
		return checks.Result{Status: checks.Fail, Evidence: ev}
	}
	return verdict(ok(modes), ev)
}

// authorizationModes returns the effective --authorization-mode list of c. The flag is a
// pflag StringSlice: each occurrence is read as one CSV record and appended to the previous
// ones (repeats accumulate, they are not last-wins), and an empty list becomes AlwaysAllow
// (BuiltInAuthorizationOptions.Complete in pkg/kubeapiserver/options/authorization.go).
// Tokens are trimmed of spaces; the apiserver would reject " RBAC" as an unknown mode and not
// start, so trimming only judges what the author meant, and " AlwaysAllow" still fails.
// A value pflag cannot read is returned as an error, with observed saying so.
func authorizationModes(c *snapshot.Component) (modes []string, observed string, err error) {
	const flag = "authorization-mode"
	var values []string
	for _, f := range c.Flags {
		if f.Name != flag {
			continue
		}
		if f.Bare {
			return nil, "--" + flag + " without a value (the apiserver would refuse to start)", fmt.Errorf("--%s without a value", flag)
		}
		values = append(values, f.Value)
		if f.Value == "" {
			continue // pflag reads "" as no modes, not as one empty mode
		}
		rec, err := csv.NewReader(strings.NewReader(f.Value)).Read()
		if err != nil {
			return nil, fmt.Sprintf("%q (not a comma list pflag can read: %v; the apiserver would refuse to start)", f.Value, err), err
		}
		for _, m := range rec {
			if m = strings.TrimSpace(m); m != "" {
				modes = append(modes, m)
			}
		}
	}
	switch {
	case len(values) == 0:
		observed = "absent (default: AlwaysAllow)"
	case len(modes) == 0:
		observed = fmt.Sprintf("%q (no mode: default AlwaysAllow)", strings.Join(values, ","))
	case len(values) == 1:
		observed = strconv.Quote(values[0])
	default:
		observed = fmt.Sprintf("%q (flag given %d times: the values accumulate)", strings.Join(modes, ","), len(values))
	}
	if len(modes) == 0 {
		modes = []string{modeAlwaysAllow}
	}
	return modes, observed, nil
}
