// Roles and ClusterRoles should not use wildcards.
//
// Source: CIS Kubernetes Benchmark 1.12, 5.1.3 (manual there). The bootstrap policy's own roles
// (cluster-admin and the system: roles, label kubernetes.io/bootstrapping=rbac-defaults) are
// not reported.
//
// Reads: Roles and ClusterRoles, each rule's verbs, apiGroups, resources and nonResourceURLs
// as stored (an aggregated role's wildcards are reported at the role they come from).
//
// Allowed values: no "*" in any of them. A "*/sub" resource or "prefix*" URL is a wildcard too.
// Each role with one is a WARN, naming the rules.

package rbac

import (
	"fmt"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/internal/authz"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:          "KP-RBAC-003",
			Title:       "Roles avoid wildcards",
			Layer:       checks.ControlPlane,
			Severity:    checks.Medium,
			Description: "A wildcard grants every verb, resource or group, including those added later (new CRDs, new subresources).",
			Remediation: "Replace \"*\" with the verbs, resources and groups the role needs.",
			References:  checks.References{CIS: []string{"5.1.3"}},
		},
		Inputs:   []snapshot.Resource{snapshot.ResRoles, snapshot.ResClusterRoles},
		Evaluate: wildcards,
	})
}

func wildcards(snap *snapshot.Snapshot) []checks.Result {
	var out []checks.Result
	judge := func(res checks.Resource, meta bool, rules []rbacv1.PolicyRule) {
		if meta {
			return
		}
		var found []string
		for i, r := range rules {
			var fields []string
			for _, f := range []struct {
				name   string
				values []string
			}{{"verbs", r.Verbs}, {"apiGroups", r.APIGroups}, {"resources", r.Resources}, {"nonResourceURLs", r.NonResourceURLs}} {
				for _, v := range f.values {
					if strings.Contains(v, "*") {
						fields = append(fields, fmt.Sprintf("%s %q", f.name, v))
					}
				}
			}
			if len(fields) > 0 {
				found = append(found, fmt.Sprintf("rules[%d]: %s", i, strings.Join(fields, ", ")))
			}
		}
		if len(found) > 0 {
			out = append(out, checks.Result{Status: checks.Warn, Resource: res, Evidence: checks.Evidence{
				Where: res.String() + " rules", Observed: strings.Join(found, "; "), Expected: "no \"*\" in verbs, apiGroups, resources or nonResourceURLs"}})
		}
	}
	for i := range snap.ClusterRoles {
		cr := &snap.ClusterRoles[i]
		judge(checks.Resource{Kind: "ClusterRole", Name: cr.Name}, authz.IsDefaultRole(cr.ObjectMeta), cr.Rules)
	}
	for i := range snap.Roles {
		r := &snap.Roles[i]
		judge(checks.Resource{Kind: "Role", Namespace: r.Namespace, Name: r.Name}, authz.IsDefaultRole(r.ObjectMeta), r.Rules)
	}
	if len(out) == 0 {
		return []checks.Result{{Status: checks.Pass, Resource: checks.Resource{Kind: "Cluster"}, Evidence: checks.Evidence{
			Where:    fmt.Sprintf("%d Roles, %d ClusterRoles", len(snap.Roles), len(snap.ClusterRoles)),
			Observed: "no wildcard outside Kubernetes' own roles", Expected: "no \"*\" in roles"}}}
	}
	return out
}
