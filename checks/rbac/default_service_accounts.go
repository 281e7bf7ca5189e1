// Default service accounts should not be used: they hold no permissions and mount no token.
//
// Source: CIS Kubernetes Benchmark 1.12, 5.1.5 (manual there): "the default service account
// should be configured such that it does not provide a service account token and does not
// have any explicit rights assignments". Token mounting defaults to on when
// automountServiceAccountToken is unset (k8s.io/kubernetes plugin/pkg/admission/
// serviceaccount).
//
// Reads: ServiceAccounts named "default"; the bindings that apply to each (package
// internal/authz subject matching: the account itself, system:serviceaccounts,
// system:serviceaccounts:NS), Kubernetes' own bindings excepted.
//
// Allowed values: automountServiceAccountToken: false and no binding. A binding FAILs (the
// account is actively used, and every pod that does not name a service account gets those
// rights); automounting left on with no binding is a WARN.

package rbac

import (
	"strings"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/internal/authz"
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
		bindings := userBindings(e, authz.ServiceAccountUser(sa.Namespace, sa.Name))
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
