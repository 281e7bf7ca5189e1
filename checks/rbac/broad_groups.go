// Bindings to the anonymous user, the unauthenticated or all-authenticated groups must grant
// no more than discovery.
//
// Source: CIS Kubernetes Benchmark 1.12, 5.1.2 and 5.1.4 audit with
// --as=system:authenticated; the NSA/CISA Kubernetes Hardening Guide, "Authentication and
// authorization" (no anonymous access beyond what the cluster needs). "Discovery" is what
// Kubernetes' own bootstrap policy gives these groups in v1.37
// (k8s.io/kubernetes plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go:
// system:discovery, system:basic-user, system:public-info-viewer).
//
// Reads: every RoleBinding and ClusterRoleBinding (Kubernetes' own included) naming User
// system:anonymous, Group system:unauthenticated or Group system:authenticated; the rules of
// the role it references, aggregation resolved.
//
// Allowed values: the role's rules are covered by the discovery rules, as
// component-helpers validation.Covers decides (the API server's escalation check). Anything
// more FAILs, naming what is granted beyond discovery. With no such binding, one PASS.
//
// A grant to these subjects is reported here once, on its binding, and not again on every
// service account whose token it reaches: KP-RBAC-005 and KP-RBAC-006 count only what was
// granted to the account itself (authz.ServiceAccountGrantee). KP-RBAC-017 does the same for
// Group system:serviceaccounts.

package rbac

import (
	"fmt"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/component-helpers/auth/rbac/validation"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/internal/authz"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:          "KP-RBAC-014",
			Title:       "Anonymous and all-authenticated subjects get discovery only",
			Layer:       checks.ControlPlane,
			Severity:    checks.Critical,
			Description: "A binding to system:anonymous or system:unauthenticated opens the permission to anyone who reaches the API server; one to system:authenticated opens it to every user and every service account of every pod.",
			Remediation: "Bind the permission to the users, groups or service accounts that need it instead, and remove the subject system:anonymous, system:unauthenticated or system:authenticated from the binding.",
		},
		Inputs:   inputs,
		Evaluate: broadGroupBindings,
	})
}

// discoveryRules are the bootstrap policy's rules for everyone (v1.37).
var discoveryRules = []rbacv1.PolicyRule{
	{Verbs: []string{"get"}, NonResourceURLs: []string{"/livez", "/readyz", "/healthz", "/version", "/version/", "/openapi", "/openapi/*", "/api", "/api/*", "/apis", "/apis/*"}},
	{Verbs: []string{"create"}, APIGroups: []string{"authorization.k8s.io"}, Resources: []string{"selfsubjectaccessreviews", "selfsubjectrulesreviews"}},
	{Verbs: []string{"create"}, APIGroups: []string{"authentication.k8s.io"}, Resources: []string{"selfsubjectreviews"}},
}

func describeRule(r rbacv1.PolicyRule) string {
	if len(r.NonResourceURLs) > 0 {
		return strings.Join(r.Verbs, ",") + " " + strings.Join(r.NonResourceURLs, ",")
	}
	res := strings.Join(r.Resources, ",")
	if g := strings.Join(r.APIGroups, ","); g != "" {
		res += "." + g
	}
	if len(r.ResourceNames) > 0 {
		res += " " + strings.Join(r.ResourceNames, ",")
	}
	return strings.Join(r.Verbs, ",") + " " + res
}

func broadGroupBindings(snap *snapshot.Snapshot) []checks.Result {
	return judgeBroadBindings(snap, broadRule{
		names: func(s rbacv1.Subject) bool {
			return (s.Kind == rbacv1.UserKind && s.Name == authz.Anonymous) ||
				(s.Kind == rbacv1.GroupKind && (s.Name == authz.Unauthenticated || s.Name == authz.Authenticated))
		},
		allowed:      discoveryRules,
		allowedName:  "discovery",
		expected:     "no more than discovery (/version, /healthz, /livez, /readyz, /api*, /openapi*, self-reviews)",
		passObserved: "no binding gives these subjects more than discovery",
	})
}

// broadRule is what a control on the grants to everyone of a kind judges: the subjects that
// stand for them, and what Kubernetes' own policy gives them.
type broadRule struct {
	names        func(rbacv1.Subject) bool
	allowed      []rbacv1.PolicyRule
	allowedName  string // what the evidence calls the allowed rules
	expected     string // Evidence.Expected of a FAIL
	passObserved string // Evidence.Observed of the PASS
}

// judgeBroadBindings reports every binding (Kubernetes' own included: an edited bootstrap
// binding is no excuse) to a subject rule.names accepts whose role's rules are not covered by
// rule.allowed, as component-helpers validation.Covers decides (the API server's escalation
// check): FAIL, naming what is granted beyond. With none, one PASS.
func judgeBroadBindings(snap *snapshot.Snapshot, rule broadRule) []checks.Result {
	e := evaluator(snap)
	var out []checks.Result
	for _, b := range e.Bindings {
		var who []string
		for _, s := range b.Subjects {
			if rule.names(s) {
				who = append(who, s.Kind+" "+s.Name)
			}
		}
		if len(who) == 0 {
			continue
		}
		covered, extra := validation.Covers(rule.allowed, b.Rules)
		if covered {
			continue
		}
		var granted []string
		for i, r := range extra {
			if i == 8 {
				granted = append(granted, fmt.Sprintf("and %d more", len(extra)-i))
				break
			}
			granted = append(granted, describeRule(r))
		}
		scope := "cluster-wide"
		if b.Kind == "RoleBinding" {
			scope = "in namespace " + b.Namespace
		}
		out = append(out, checks.Result{Status: checks.Fail, Resource: bindingResource(b), Evidence: checks.Evidence{
			Where:    fmt.Sprintf("%s (role %s)", b.ID(), b.Role()),
			Observed: fmt.Sprintf("%s granted %s beyond %s: %s", strings.Join(who, ", "), scope, rule.allowedName, strings.Join(granted, "; ")),
			Expected: rule.expected,
		}})
	}
	if len(out) == 0 {
		return []checks.Result{{Status: checks.Pass, Resource: checks.Resource{Kind: "Cluster"}, Evidence: checks.Evidence{
			Where: fmt.Sprintf("%d bindings", len(e.Bindings)), Observed: rule.passObserved, Expected: "discovery only"}}}
	}
	return out
}
