// A pod's mounted service-account token must not grant cluster-wide secret read or an
// equivalent power.
//
// Source: kubeposture (issue 3); CIS Kubernetes Benchmark 1.12, 5.1.2 and 5.1.6 together:
// a token that reads every secret, mounted where any process of the pod (or an attacker in
// it) can use it. Token mounting as in KP-RBAC-006 (ServiceAccount admission plugin rules).
//
// Reads: Pods and their controllers' templates (package internal/owners: one result per
// top-level workload, its template judged as the pods it will create, so a CronJob between
// runs or a Deployment scaled to zero is judged too), ServiceAccounts, and every binding that
// applies to the token of each one's service account: what the API server authorizes the
// token for (authz.ServiceAccountUser: its own, system:serviceaccounts:NS,
// system:serviceaccounts, system:authenticated; Kubernetes' own bindings included, since they
// grant real rights too).
//
// Allowed values: the token cannot, cluster-wide, get, list or watch secrets, impersonate
// users or groups, escalate or bind ClusterRoles, or create tokens for any service account
// (package internal/authz matching). Each workload whose template or pods mount a token that
// can is a FAIL naming the power and the binding and role that grant it. Templates and pods
// with no token mounted are not judged. None: one PASS.

package rbac

import (
	"fmt"
	"strings"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/internal/authz"
	"github.com/kubeposture/kubeposture/internal/owners"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:          "KP-RBAC-016",
			Title:       "No pod mounts a token that reads every secret",
			Layer:       checks.ControlPlane,
			Severity:    checks.Critical,
			Description: "A pod whose token can read every secret (or impersonate, or grant itself any role) turns any code execution in that pod into control of the cluster.",
			Remediation: "Give the pod a service account with only the rights it needs (namespaced, by resourceNames), or stop mounting the token (automountServiceAccountToken: false); controllers that need such rights belong on the control plane.",
		},
		Inputs:   append(append([]snapshot.Resource{snapshot.ResServiceAccounts}, inputs...), owners.Inputs...),
		Evaluate: podTokenPower,
	})
}

type powerOf struct {
	what string
	via  *authz.Binding
}

func podTokenPower(snap *snapshot.Snapshot) []checks.Result {
	e := evaluator(snap)
	sas := serviceAccounts(snap)
	cache := map[account]powerOf{}
	ws := workloads(snap)
	var out []checks.Result
	judged := 0
	var found []tokenMount // the powerful tokens one workload mounts
	powerful := func(a account) bool {
		pw, ok := cache[a]
		if !ok {
			pw.what, pw.via = power(e, authz.ServiceAccountUser(a.namespace, a.name))
			cache[a] = pw
		}
		return pw.what != ""
	}
	for i := range ws {
		w := &ws[i]
		var mounts bool
		found, mounts = tokenMounts(w, sas, powerful, found)
		if mounts {
			judged++
		}
		if len(found) == 0 {
			continue
		}
		res := checks.Resource{Kind: w.Kind, Namespace: w.Namespace, Name: w.Name}
		who := fmt.Sprintf("%s %s/%s", w.Kind, w.Namespace, w.Name)
		var where, observed []string
		for _, f := range found {
			where = append(where, "ServiceAccount/"+f.account.String())
			objects := who
			if w.Template != nil {
				objects += " (" + f.in(w) + ")"
			}
			pw := cache[f.account]
			observed = append(observed, fmt.Sprintf("%s -> token of ServiceAccount %s -> can %s (%s)", objects, f.account, pw.what, grantedBy(pw.via)))
		}
		field := ""
		if w.Template != nil {
			field = " " + w.Where
		}
		out = append(out, checks.Result{Status: checks.Fail, Resource: res,
			Evidence: checks.Evidence{
				Where:    fmt.Sprintf("%s%s token of %s", res, field, strings.Join(where, ", ")),
				Observed: strings.Join(observed, " | "),
				Expected: "a mounted token without cluster-wide secret read, impersonation, bind/escalate or token creation",
			}})
	}
	if len(out) == 0 {
		return []checks.Result{{Status: checks.Pass, Resource: checks.Resource{Kind: "Cluster"}, Evidence: checks.Evidence{
			Where:    fmt.Sprintf("%d workloads (templates and pods) with a token mounted", judged),
			Observed: "no mounted token has a cluster-wide power", Expected: "no mounted token with cluster-wide secret read or equivalent"}}}
	}
	return out
}
