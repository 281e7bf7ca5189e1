// Default service accounts should not be used: they hold no permissions and mount no token.
//
// Source: CIS Kubernetes Benchmark 1.12, 5.1.5 (manual there): "the default service account
// should be configured such that it does not provide a service account token and does not
// have any explicit rights assignments"; its audit: "review the rights assigned to the default
// service account and ensure that it has no roles or cluster roles bound to it apart from the
// defaults". Token mounting defaults to on when automountServiceAccountToken is unset
// (k8s.io/kubernetes plugin/pkg/admission/serviceaccount).
//
// Reads: ServiceAccounts named "default"; the bindings, Kubernetes' own excepted ("apart from
// the defaults"), that assign rights to each: a ServiceAccount subject naming it, a User
// subject spelling its user name, or the group of its namespace's service accounts
// (system:serviceaccounts:NS), which names the namespace and so gives the rights to every pod
// there that names no service account, the use CIS wants gone (authz.ServiceAccountGrantee).
// A binding to every service account (system:serviceaccounts) or every authenticated identity
// (system:authenticated) is not an assignment to this account: its token has those rights as
// every other token does, removing the binding from the account is not possible, and
// KP-RBAC-017 and KP-RBAC-014 report the binding once for the cluster.
//
// Allowed values: automountServiceAccountToken: false and no such binding. A binding FAILs (the
// account is actively used, and every pod that does not name a service account gets those
// rights); automounting left on with no binding is a WARN.

package rbac

import (
	"sort"
	"strings"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:          "KP-RBAC-005",
			Title:       "Default service accounts are not used",
			Layer:       checks.ControlPlane,
			Severity:    checks.Medium,
			Description: "Every pod that names no service account runs as its namespace's default one: rights given to it are given to all of them.",
			Remediation: "Set automountServiceAccountToken: false on each default service account, remove its bindings, and give workloads that need the API their own service account.",
			References:  checks.References{CIS: []string{"5.1.5"}},
		},
		Inputs:   append([]snapshot.Resource{snapshot.ResServiceAccounts}, inputs...),
		Evaluate: defaultServiceAccounts,
	})
}

func defaultServiceAccounts(snap *snapshot.Snapshot) []checks.Result {
	e := evaluator(snap)
	var out []checks.Result
	for i := range snap.ServiceAccounts {
		sa := &snap.ServiceAccounts[i]
		if sa.Name != "default" {
			continue
		}
		res := checks.Resource{Kind: "ServiceAccount", Namespace: sa.Namespace, Name: sa.Name}
		ev := checks.Evidence{Where: res.String(), Expected: "automountServiceAccountToken: false, and no binding"}
		var bindings []string
		for _, b := range accountGrants(e, sa.Namespace, sa.Name) {
			if !b.Default {
				bindings = append(bindings, b.ID())
			}
		}
		sort.Strings(bindings)
		automount := sa.AutomountServiceAccountToken == nil || *sa.AutomountServiceAccountToken
		var obs []string
		if len(bindings) > 0 {
			obs = append(obs, "bound by "+strings.Join(bindings, ", "))
		}
		switch {
		case sa.AutomountServiceAccountToken == nil:
			obs = append(obs, "automountServiceAccountToken unset (default: true)")
		case automount:
			obs = append(obs, "automountServiceAccountToken: true")
		default:
			obs = append(obs, "automountServiceAccountToken: false")
		}
		ev.Observed = strings.Join(obs, "; ")
		st := checks.Pass
		switch {
		case len(bindings) > 0:
			st = checks.Fail
		case automount:
			st = checks.Warn
		}
		out = append(out, checks.Result{Status: st, Resource: res, Evidence: ev})
	}
	if len(out) == 0 {
		return []checks.Result{{Status: checks.NotApplicable, Resource: checks.Resource{Kind: "Cluster"}, Reason: "no default service account in the snapshot"}}
	}
	return out
}
