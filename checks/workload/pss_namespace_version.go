/*
KP-WL-006: namespaces enforce the current version of the Pod Security Standards.

Source: Kubernetes documentation, "Pod Security Admission" (the enforce-version label "pins"
the policy to the definition of a Kubernetes minor version); the reference list of rules
scanners get wrong ("a namespace is judged at its own enforce-version"). The checks and their
versions are k8s.io/pod-security-admission/policy's: each check lists the policy versions at
which its definition changed (e.g. sysctls at v1.27, v1.29, v1.32, v1.37; runAsNonRoot and
runAsUser at v1.35).

Unit: each Namespace whose effective enforce level is baseline or restricted. Fields read:
the labels pod-security.kubernetes.io/enforce-version (or the admission configuration's
default enforce-version), the cluster version.

Allowed values: latest, or a version at which no check of the enforced level has changed
since (PASS). A pinned version behind a change of a check of that level is a WARN listing the
checks it misses and the version each changed at: pinning is a deliberate way to upgrade
safely, but a pin left behind keeps the namespace on a weaker definition. Namespaces enforcing
privileged are not applicable (KP-WL-005 judges them).
*/

package workload

import (
	"fmt"
	"sort"
	"strings"

	"k8s.io/pod-security-admission/api"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:       "KP-WL-006",
			Title:    "Namespaces enforce the current version of the Pod Security Standards",
			Layer:    checks.Workload,
			Severity: checks.Low,
			Description: "pod-security.kubernetes.io/enforce-version pins a namespace to the " +
				"Pod Security Standards as a past Kubernetes release defined them. Checks tightened " +
				"since (sysctls, procMount, runAsNonRoot, probe hosts) do not apply to it.",
			Remediation: "Remove the enforce-version label (the default is latest) or raise it to the " +
				"cluster's version once the namespace's workloads pass it: " +
				"kubectl label --overwrite ns NAME pod-security.kubernetes.io/enforce-version=latest " +
				"(try it with --dry-run=server first).",
		},
		Inputs:   []snapshot.Resource{snapshot.ResNamespaces},
		Evaluate: namespaceVersion,
	})
}

func namespaceVersion(s *snapshot.Snapshot) []checks.Result {
	ps := namespacePolicies(s)
	out := make([]checks.Result, 0, len(s.Namespaces))
	for i := range s.Namespaces {
		ns := &s.Namespaces[i]
		np := ps.of(ns.Name)
		lv := np.policy.Enforce
		r := checks.Result{Resource: checks.Resource{Kind: "Namespace", Name: ns.Name}, Evidence: checks.Evidence{
			Where:    fmt.Sprintf("Namespace/%s label %s; defaults: %s", ns.Name, api.EnforceVersionLabel, ps.defaultsSource()),
			Expected: "enforce-version latest, or one at which no check of the level has changed since",
		}}
		if lv.Level == api.LevelPrivileged || np.exempt {
			r.Status, r.Reason = checks.NotApplicable, "the namespace enforces nothing (see KP-WL-005)"
			out = append(out, r)
			continue
		}
		if lv.Version.Latest() {
			r.Status, r.Evidence.Observed = checks.Pass, fmt.Sprintf("enforce %s", lv)
			out = append(out, r)
			continue
		}
		missed := changedSince(lv)
		if len(missed) == 0 {
			r.Status = checks.Pass
			r.Evidence.Observed = fmt.Sprintf("enforce %s: no %s check has changed since %s", lv, lv.Level, lv.Version)
		} else {
			r.Status = checks.Warn
			r.Evidence.Observed = fmt.Sprintf("enforce %s (%s); checks changed since: %s", lv, np.describe("enforce", lv), strings.Join(missed, ", "))
			if v := s.Cluster.Version; v != "" {
				r.Evidence.Observed += "; cluster " + v
			}
		}
		out = append(out, r)
	}
	return out
}

// changedSince lists the checks of lv's level (restricted includes baseline) with a definition
// newer than lv's version, as "id (v1.x)" with the newest change, sorted.
func changedSince(lv api.LevelVersion) []string {
	var out []string
	for _, c := range pssChecks {
		if c.Level == api.LevelRestricted && lv.Level != api.LevelRestricted {
			continue
		}
		var newest *api.Version
		for i := range c.Versions {
			v := c.Versions[i].MinimumVersion
			if lv.Version.Older(v) && !v.Latest() {
				newest = &c.Versions[i].MinimumVersion
			}
		}
		if newest != nil {
			out = append(out, fmt.Sprintf("%s (%s)", c.ID, newest))
		}
	}
	sort.Strings(out)
	return out
}
