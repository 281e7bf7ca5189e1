// A pod's mounted service-account token must not grant cluster-wide secret read or an
// equivalent power.
//
// Source: kubeposture (issue 3); CIS Kubernetes Benchmark 1.12, 5.1.2 and 5.1.6 together:
// a token that reads every secret, mounted where any process of the pod (or an attacker in
// it) can use it. Token mounting as in KP-RBAC-006 (ServiceAccount admission plugin rules).
//
// Reads: Pods, ServiceAccounts, and every binding that applies to each pod's service account
// (its own, system:serviceaccounts, system:serviceaccounts:NS, system:authenticated; Kubernetes'
// own bindings included, since they grant real rights too).
//
// Allowed values: the token cannot, cluster-wide, get, list or watch secrets, impersonate
// users or groups, escalate or bind ClusterRoles, or create tokens for any service account
// (package internal/authz matching). Each pod whose token can is a FAIL naming the power and the binding
// and role that grant it. Pods with no token mounted are not judged. None: one PASS.

package rbac

import (
	"fmt"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/internal/authz"
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
		Inputs:   append([]snapshot.Resource{snapshot.ResPods, snapshot.ResServiceAccounts}, inputs...),
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
	cache := map[string]powerOf{}
	var out []checks.Result
	judged := 0
	for i := range snap.Pods {
		p := &snap.Pods[i]
		sa := serviceAccountName(&p.Spec)
		key := p.Namespace + "/" + sa
		if !tokenMounted(&p.Spec, sas[key]) {
			continue
		}
		judged++
		pw, ok := cache[key]
		if !ok {
			pw.what, pw.via = power(e, authz.ServiceAccountUser(p.Namespace, sa))
			cache[key] = pw
		}
		if pw.what == "" {
			continue
		}
		out = append(out, checks.Result{Status: checks.Fail, Resource: checks.Resource{Kind: "Pod", Namespace: p.Namespace, Name: p.Name},
			Evidence: checks.Evidence{
				Where:    fmt.Sprintf("Pod/%s/%s token of ServiceAccount/%s", p.Namespace, p.Name, key),
				Observed: fmt.Sprintf("Pod %s/%s -> token of ServiceAccount %s -> can %s (%s)", p.Namespace, p.Name, key, pw.what, grantedBy(pw.via)),
				Expected: "a mounted token without cluster-wide secret read, impersonation, bind/escalate or token creation",
			}})
	}
	if len(out) == 0 {
		return []checks.Result{{Status: checks.Pass, Resource: checks.Resource{Kind: "Cluster"}, Evidence: checks.Evidence{
			Where:    fmt.Sprintf("%d pods with a token mounted", judged),
			Observed: "no mounted token has a cluster-wide power", Expected: "no mounted token with cluster-wide secret read or equivalent"}}}
	}
	return out
}
