// Service-account tokens should be mounted only where necessary.
//
// Source: CIS Kubernetes Benchmark 1.12, 5.1.6 (manual there): "Service accounts tokens should
// not be mounted in pods except where the workload running in the pod explicitly needs to
// communicate with the API server". Whether a token is mounted is decided as the
// ServiceAccount admission plugin decides it (k8s.io/kubernetes
// plugin/pkg/admission/serviceaccount): the pod's automountServiceAccountToken wins over its
// service account's, and unset on both is true; a projected serviceAccountToken volume is a
// token too.
//
// Reads: Pods and their controllers' templates (package internal/owners folds each pod into
// its top-level workload: a Deployment's template and replicas are one result),
// ServiceAccounts, and the bindings that grant to each pod's service account itself: naming
// it, or its namespace's service-account group (authz.ServiceAccountGrantee), Kubernetes' own
// included (system:kube-dns names kube-system/kube-dns, whose pods need their token).
//
// Allowed values: a pod mounts a token only when its service account was granted rights: a
// binding names it or its namespace's service accounts, the explicit sign that the workload
// calls the API. A grant to every service account or every authenticated identity is not:
// every token has it, needed or not (KP-RBAC-017 and KP-RBAC-014 report such a grant once).
// A pod whose account was granted nothing is a WARN (the token is not needed, and is one more
// credential to steal), reported once per top-level workload with how many of its pods mount
// it (and which, when not all). A workload is judged by its template too, as the pods it
// will create (the plugin decides from the template and the account as it is now), so a
// CronJob between runs, a Deployment scaled to zero or one just applied is judged before its
// pods run; its running pods are judged as they were admitted. Workloads whose template and
// pods mount no token, or need theirs, are not listed; with no WARN the control is one PASS
// for the cluster, saying how many workloads were looked at.

package rbac

import (
	"fmt"
	"strings"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/internal/owners"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:          "KP-RBAC-006",
			Title:       "Service-account tokens are mounted only where necessary",
			Layer:       checks.ControlPlane,
			Severity:    checks.Low,
			Description: "A mounted token is a credential any process in the pod (or anyone who breaks into it) can use against the API server.",
			Remediation: "Set automountServiceAccountToken: false on pods (or their service accounts) that do not call the API.",
			References:  checks.References{CIS: []string{"5.1.6"}},
		},
		Inputs:   append(append([]snapshot.Resource{snapshot.ResServiceAccounts}, inputs...), owners.Inputs...),
		Evaluate: tokenMounting,
	})
}

func tokenMounting(snap *snapshot.Snapshot) []checks.Result {
	e := evaluator(snap)
	sas := serviceAccounts(snap)
	needs := map[account]bool{} // rights were granted to the account
	ws := workloads(snap)
	var out []checks.Result
	mounted := 0
	var found []tokenMount // the tokens one workload mounts needlessly
	unneeded := func(a account) bool {
		need, ok := needs[a]
		if !ok {
			need = len(accountGrants(e, a.namespace, a.name)) > 0
			needs[a] = need
		}
		return !need
	}
	for i := range ws {
		w := &ws[i]
		var mounts bool
		found, mounts = tokenMounts(w, sas, unneeded, found)
		if mounts {
			mounted++
		}
		if len(found) == 0 {
			continue
		}
		res := checks.Resource{Kind: w.Kind, Namespace: w.Namespace, Name: w.Name}
		var where, observed []string
		for _, f := range found {
			where = append(where, "ServiceAccount/"+f.account.String())
			msg := "token of " + f.account.String() + " mounted"
			if w.Template != nil {
				msg += " in " + f.in(w)
			}
			observed = append(observed, msg+"; the account has no binding of its own")
		}
		out = append(out, checks.Result{Status: checks.Warn, Resource: res,
			Evidence: checks.Evidence{
				Where:    fmt.Sprintf("%s %s.automountServiceAccountToken, %s", res, w.Where, strings.Join(where, ", ")),
				Observed: strings.Join(observed, " | "),
				Expected: "automountServiceAccountToken: false when the pod does not call the API",
			}})
	}
	if len(out) == 0 {
		return []checks.Result{{Status: checks.Pass, Resource: checks.Resource{Kind: "Cluster"}, Evidence: checks.Evidence{
			Where:    fmt.Sprintf("%d workloads (templates and pods), %d with a token mounted", len(ws), mounted),
			Observed: "every mounted token belongs to a service account with rights of its own",
			Expected: "tokens mounted only where the service account is used"}}}
	}
	return out
}
