/*
The audit policy must record every request on secrets at the Metadata level.

Source: CIS Kubernetes Benchmark 1.12, 3.2.2 (manual there: "covers key security concerns",
secrets first); the Kubernetes auditing documentation recommends Metadata for secrets, since
Request and RequestResponse would write secret values into the audit log. Rules are matched as
k8s.io/apiserver pkg/audit/policy/checker.go does: the first rule that matches a request sets
its level; empty users, userGroups, verbs, namespaces and resources match everything; a
resources entry matches secrets with group "" or "*" and resources empty, "secrets", "*" or
"secrets/*"; a request no rule matches is not audited (None).

Reads: kube-apiserver --audit-policy-file; the policy given to audit with --audit-policy.

Allowed values: a rule that matches every request on secrets (no user, group, verb, namespace
or resourceNames restriction) at Metadata, with no earlier rule sending any secret request to
None: PASS. Earlier narrower None rules, or Request/RequestResponse for secrets (values in the
log): WARN, naming the rules. No rule covering every secret request, or a None rule that does:
FAIL. No --audit-policy-file: FAIL; the flag without the file given to audit: NOT_EVALUATED.
*/

package controlplane

import (
	"fmt"
	"strings"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/internal/componentflags"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:          "KP-CP-046",
			Title:       "Audit policy records every request on secrets",
			Layer:       checks.ControlPlane,
			Severity:    checks.Medium,
			Description: "Reads and changes of secrets are what an investigation needs first; a policy that lets some through at None, or logs their values, defeats the audit log.",
			Remediation: "Put a rule `- level: Metadata\\n  resources: [{group: \"\", resources: [\"secrets\"]}]` before any broader rule in the audit policy. Give audit the file with --audit-policy to check it.",
		},
		AnyInputs: sources,
		Evaluate:  auditPolicySecrets,
	})
}

// secretsMatch says whether gr can match a request on secrets, and whether for every name.
func secretsMatch(r snapshot.AuditPolicyRule) (some, all bool) {
	if len(r.Resources) == 0 {
		if len(r.NonResourceURLs) > 0 && len(r.Namespaces) == 0 {
			return false, false // a non-resource rule
		}
		return true, true
	}
	for _, gr := range r.Resources {
		if gr.Group != "" && gr.Group != "*" {
			continue
		}
		hit := len(gr.Resources) == 0
		for _, res := range gr.Resources {
			if res == "secrets" || res == "*" || res == "secrets/*" {
				hit = true
			}
		}
		if hit {
			some = true
			if len(gr.ResourceNames) == 0 {
				all = true
			}
		}
	}
	return some, all
}

func auditPolicySecrets(snap *snapshot.Snapshot) []checks.Result {
	return eachAPIServer(snap, func(c *snapshot.Component) checks.Result {
		flag := componentflags.Lookup(c, "audit-policy-file")
		ev := checks.Evidence{Where: where(c, "audit-policy-file"), Expected: "every request on secrets audited at Metadata"}
		if !flag.Present() {
			ev.Observed = "--audit-policy-file: " + flag.Describe() + " (nothing is audited)"
			return checks.Result{Status: checks.Fail, Evidence: ev}
		}
		var p *snapshot.AuditPolicy
		if snap.Files != nil {
			p = snap.Files.AuditPolicy
		}
		if p == nil {
			ev.Observed = "--audit-policy-file=" + flag.Raw
			return checks.Result{Status: checks.NotEvaluated, Evidence: ev,
				Reason: "the audit policy " + flag.Raw + " was not given to audit: run with --audit-policy FILE (a copy of it)"}
		}
		ev.Where = fmt.Sprintf("audit policy %s (the apiserver's --audit-policy-file=%s)", p.Path, flag.Raw)
		var notes []string
		for i, r := range p.Rules {
			some, allNames := secretsMatch(r)
			if !some {
				continue
			}
			all := allNames && len(r.Users) == 0 && len(r.UserGroups) == 0 && len(r.Verbs) == 0 && len(r.Namespaces) == 0
			switch {
			case r.Level == "None" && all:
				ev.Observed = strings.Join(append(notes, fmt.Sprintf("rules[%d] sends every request on secrets to level None", i)), "; ")
				return checks.Result{Status: checks.Fail, Evidence: ev}
			case r.Level == "None":
				notes = append(notes, fmt.Sprintf("rules[%d] sends some requests on secrets to None (users %v, groups %v, verbs %v, namespaces %v)", i, r.Users, r.UserGroups, r.Verbs, r.Namespaces))
			case r.Level != "Metadata":
				notes = append(notes, fmt.Sprintf("rules[%d] logs secrets at %s: their values reach the audit log", i, r.Level))
			}
			if all && r.Level != "None" {
				ev.Observed = fmt.Sprintf("rules[%d] audits every request on secrets at %s", i, r.Level)
				if len(notes) > 0 {
					ev.Observed += "; " + strings.Join(notes, "; ")
					return checks.Result{Status: checks.Warn, Evidence: ev}
				}
				return checks.Result{Status: checks.Pass, Evidence: ev}
			}
		}
		ev.Observed = strings.Join(append(notes, "no rule matches every request on secrets: those that match none are not audited"), "; ")
		return checks.Result{Status: checks.Fail, Evidence: ev}
	})
}
