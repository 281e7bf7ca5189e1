// Service-account tokens should be mounted only where necessary.
//
// Source: CIS Kubernetes Benchmark 1.12, 5.1.6 (manual there). Whether a token is mounted is
// decided as the ServiceAccount admission plugin decides it (k8s.io/kubernetes
// plugin/pkg/admission/serviceaccount): the pod's automountServiceAccountToken wins over its
// service account's, and unset on both is true; a projected serviceAccountToken volume is a
// token too.
//
// Reads: Pods and their controllers (package internal/owners folds each pod into its top-level
// workload: a Deployment's replicas are one result), ServiceAccounts, and the bindings that
// apply to each pod's service account (Kubernetes' own excepted).
//
// Allowed values: a pod mounts a token only when its service account has rights of its own.
// A pod whose token grants nothing beyond what every authenticated identity has is a WARN (the
// token is not needed, and is one more credential to steal), reported once per top-level
// workload with how many of its pods mount it (and which, when not all). The running pods are
// judged, not the templates: whether a token is mounted is decided at admission, from the
// service account as it was then. Workloads whose pods mount no token, or need theirs, are not
// listed; with no WARN the control is one PASS for the cluster, saying how many pods were
// looked at.

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
	needs := map[string]bool{} // namespace/name -> the account has bindings of its own
	var out []checks.Result
	mounted := 0
	// unneeded: per account, the pods of one workload that mount its token needlessly.
	type unneeded struct {
		account string
		pods    []string
	}
	var found []unneeded
	for _, w := range owners.Index(snap) {
		found = found[:0]
		for _, p := range w.Pods {
			key := p.Namespace + "/" + podServiceAccount(p)
			if !tokenMounted(p, sas[key]) {
				continue
			}
			mounted++
			need, ok := needs[key]
			if !ok {
				need = len(userBindings(e, authz.ServiceAccountUser(p.Namespace, podServiceAccount(p)))) > 0
				needs[key] = need
			}
			if need {
				continue
			}
			i := 0
			for i < len(found) && found[i].account != key {
				i++
			}
			if i == len(found) {
				found = append(found, unneeded{account: key})
			}
			found[i].pods = append(found[i].pods, p.Name)
		}
		if len(found) == 0 {
			continue
		}
		res := checks.Resource{Kind: w.Kind, Namespace: w.Namespace, Name: w.Name}
		field := "spec"
		if w.Template != nil {
			field = w.Where
		}
		var where, observed []string
		for _, f := range found {
			where = append(where, "ServiceAccount/"+f.account)
			msg := "token of " + f.account + " mounted"
			if w.Template != nil {
				msg += " in " + podCount(f.pods, len(w.Pods))
			}
			observed = append(observed, msg+"; the account has no binding of its own")
		}
		out = append(out, checks.Result{Status: checks.Warn, Resource: res,
			Evidence: checks.Evidence{
				Where:    fmt.Sprintf("%s %s.automountServiceAccountToken, %s", res, field, strings.Join(where, ", ")),
				Observed: strings.Join(observed, " | "),
				Expected: "automountServiceAccountToken: false when the pod does not call the API",
			}})
	}
	if len(out) == 0 {
		return []checks.Result{{Status: checks.Pass, Resource: checks.Resource{Kind: "Cluster"}, Evidence: checks.Evidence{
			Where:    fmt.Sprintf("%d pods, %d with a token mounted", len(snap.Pods), mounted),
			Observed: "every mounted token belongs to a service account with rights of its own",
			Expected: "tokens mounted only where the service account is used"}}}
	}
	return out
}

// podCount says "3 of 3 pods", or "1 of 3 pods (web-x)" naming up to three pods of a strict
// subset.
func podCount(names []string, total int) string {
	s := fmt.Sprintf("%d of %d pods", len(names), total)
	if len(names) == total {
		return s
	}
	const listed = 3
	if len(names) > listed {
		return fmt.Sprintf("%s (%s, +%d more)", s, strings.Join(names[:listed], ", "), len(names)-listed)
	}
	return s + " (" + strings.Join(names, ", ") + ")"
}
