/*
KP-WL-045: no ClusterSecretStore serves every namespace.

Source: the External Secrets Operator's ClusterSecretStore documentation
(external-secrets.io/latest/api/clustersecretstore/ and guides/multi-tenancy/): a
ClusterSecretStore without spec.conditions may be referenced by an ExternalSecret of any
namespace, which then reads, with the store's credentials, any key the store can reach, and
writes it into a Secret of its own namespace; conditions (namespaces, namespaceSelector,
namespaceRegexes) limit the namespaces it serves. An empty namespaceSelector and the regex
".*" match every namespace. No CIS item covers it (CIS 5.4.2 asks for a store, not how it is
shared).

Reads: secretStores (the cluster ones: their conditions, provider name), externalSecrets (which
use them).

Verdict per ClusterSecretStore: FAIL when it serves every namespace, naming the ExternalSecrets
(the Secrets they sync) that use it; PASS when conditions limit it.
*/

package workload

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:       "KP-WL-045",
			Title:    "ClusterSecretStores are limited to the namespaces they serve",
			Layer:    checks.Workload,
			Severity: checks.Medium,
			Description: "A ClusterSecretStore without conditions lets anyone who may create an ExternalSecret in any " +
				"namespace copy any secret the store's credentials reach into a Secret they can read.",
			Remediation: "Add spec.conditions (namespaces, namespaceSelector or namespaceRegexes) listing the namespaces " +
				"that need the store, or replace it with a SecretStore per namespace with credentials scoped to that " +
				"namespace's secrets.",
		},
		Inputs:   []snapshot.Resource{snapshot.ResClusterSecretStores, snapshot.ResExternalSecrets},
		Evaluate: clusterSecretStores,
	})
}

// everyNamespace reports whether a ClusterSecretStore's conditions let every namespace use it.
func everyNamespace(conds []snapshot.StoreCondition) bool {
	if len(conds) == 0 {
		return true
	}
	for _, c := range conds {
		if c.NamespaceSelector == "<none>" || slices.Contains(c.NamespaceRegexes, ".*") || slices.Contains(c.NamespaceRegexes, "^.*$") {
			return true
		}
	}
	return false
}

func clusterSecretStores(s *snapshot.Snapshot) []checks.Result {
	var out []checks.Result
	for _, st := range s.SecretStores {
		if st.Kind != "ClusterSecretStore" {
			continue
		}
		r := checks.Result{Resource: checks.Resource{Kind: "ClusterSecretStore", Name: st.Name},
			Evidence: checks.Evidence{Expected: "spec.conditions limiting the namespaces", Where: "spec.conditions"}}
		if !everyNamespace(st.Conditions) {
			r.Status = checks.Pass
			r.Evidence.Observed = "provider " + st.Provider + ", limited by " + conditionSummary(st.Conditions)
			out = append(out, r)
			continue
		}
		var users []string
		for _, e := range s.ExternalSecrets {
			if e.StoreKind == "ClusterSecretStore" && e.StoreName == st.Name {
				users = append(users, e.Namespace+"/"+e.Target)
			}
		}
		sort.Strings(users)
		r.Status = checks.Fail
		r.Evidence.Observed = "provider " + st.Provider + ", usable from every namespace"
		if len(users) > 0 {
			const max = 5
			more := ""
			if len(users) > max {
				users, more = users[:max], fmt.Sprintf(" and %d more", len(users)-max)
			}
			r.Evidence.Observed += "; Secrets synced from it: " + strings.Join(users, ", ") + more
		}
		out = append(out, r)
	}
	return out
}

func conditionSummary(conds []snapshot.StoreCondition) string {
	var parts []string
	for _, c := range conds {
		if len(c.Namespaces) > 0 {
			parts = append(parts, "namespaces "+strings.Join(c.Namespaces, ","))
		}
		if len(c.NamespaceRegexes) > 0 {
			parts = append(parts, "namespaceRegexes "+strings.Join(c.NamespaceRegexes, ","))
		}
		if c.NamespaceSelector != "" {
			parts = append(parts, "namespaceSelector "+c.NamespaceSelector)
		}
	}
	if len(parts) == 0 {
		return "conditions matching no namespace"
	}
	return strings.Join(parts, "; ")
}
