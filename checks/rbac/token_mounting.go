// Service-account tokens should be mounted only where necessary.
//
// Source: CIS Kubernetes Benchmark 1.12, 5.1.6 (manual there). Whether a token is mounted is
// decided as the ServiceAccount admission plugin decides it (k8s.io/kubernetes
// plugin/pkg/admission/serviceaccount): the pod's automountServiceAccountToken wins over its
// service account's, and unset on both is true; a projected serviceAccountToken volume is a
// token too.
//
// Reads: Pods, ServiceAccounts, and the bindings that apply to each pod's service account
// (Kubernetes' own excepted).
//
// Allowed values: a pod mounts a token only when its service account has rights of its own.
// A pod whose token grants nothing beyond what every authenticated identity has is a WARN (the
// token is not needed, and is one more credential to steal). Pods that mount no token, or need
// theirs, are not listed; with no WARN the control is one PASS for the cluster, saying how many
// pods were looked at.

package rbac

import (
	"fmt"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/rbac"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	register("KP-RBAC-006", "5.1.6", "Service-account tokens are mounted only where necessary", checks.Low,
		"A mounted token is a credential any process in the pod (or anyone who breaks into it) can use against the API server.",
		"Set automountServiceAccountToken: false on pods (or their service accounts) that do not call the API.",
		append([]snapshot.Resource{snapshot.ResPods, snapshot.ResServiceAccounts}, inputs...), tokenMounting)
}

func tokenMounting(snap *snapshot.Snapshot) []checks.Result {
	e := evaluator(snap)
	sas := serviceAccounts(snap)
	needs := map[string]bool{} // namespace/name -> the account has bindings of its own
	var out []checks.Result
	mounted := 0
	for i := range snap.Pods {
		p := &snap.Pods[i]
		key := p.Namespace + "/" + podServiceAccount(p)
		if !tokenMounted(p, sas[key]) {
			continue
		}
		mounted++
		need, ok := needs[key]
		if !ok {
			need = len(userBindings(e, rbac.ServiceAccountUser(p.Namespace, podServiceAccount(p)))) > 0
			needs[key] = need
		}
		if need {
			continue
		}
		out = append(out, checks.Result{Status: checks.Warn, Resource: checks.Resource{Kind: "Pod", Namespace: p.Namespace, Name: p.Name},
			Evidence: checks.Evidence{
				Where:    fmt.Sprintf("Pod/%s/%s spec.automountServiceAccountToken, ServiceAccount/%s", p.Namespace, p.Name, key),
				Observed: fmt.Sprintf("token of %s mounted; the account has no binding of its own", key),
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
