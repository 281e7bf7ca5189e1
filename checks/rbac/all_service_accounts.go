// Bindings to the group of all service accounts must grant no more than discovery.
//
// Source: kubeposture (issue 15). A grant to system:serviceaccounts is a grant to every
// service account of every namespace, so to the token of every pod that mounts one: it is a
// grant to everyone of that kind, reported here once for the cluster, not by KP-RBAC-005 and
// KP-RBAC-006 on each account (every token has it; no account was given it). "Discovery" is
// what Kubernetes' own bootstrap policy gives these identities in v1.37
// (k8s.io/kubernetes plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go): to every
// authenticated identity system:discovery, system:basic-user and system:public-info-viewer
// (KP-RBAC-014's rules), and to system:serviceaccounts system:service-account-issuer-discovery
// (the issuer's OIDC documents) and system:cluster-trust-bundle-discovery (reading
// ClusterTrustBundles, with the ClusterTrustBundle feature, on by default since v1.37).
//
// Reads: every RoleBinding and ClusterRoleBinding (Kubernetes' own included) naming Group
// system:serviceaccounts; the rules of the role it references, aggregation resolved. A
// binding to one namespace's service accounts (system:serviceaccounts:NS) is not judged here:
// it names the namespace, and KP-RBAC-005 and KP-RBAC-006 count it as the accounts' own.
//
// Allowed values: the role's rules are covered by those rules, as component-helpers
// validation.Covers decides (the API server's escalation check). Anything more FAILs, naming
// what is granted beyond. With no such binding, one PASS.

package rbac

import (
	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/internal/authz"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:          "KP-RBAC-017",
			Title:       "The all-service-accounts group gets discovery only",
			Layer:       checks.ControlPlane,
			Severity:    checks.Critical,
			Description: "A binding to system:serviceaccounts gives the permission to every service account of every namespace, so to the token of every pod: any code running in any pod can use it.",
			Remediation: "Bind the permission to the service accounts that need it (or to system:serviceaccounts:NAMESPACE for the accounts of one namespace), and remove the subject system:serviceaccounts from the binding.",
		},
		Inputs:   inputs,
		Evaluate: allServiceAccountsBindings,
	})
}

// serviceAccountDiscoveryRules are the bootstrap policy's rules for every authenticated
// identity and, in addition, for every service account (v1.37).
var serviceAccountDiscoveryRules = append(append([]rbacv1.PolicyRule(nil), discoveryRules...),
	rbacv1.PolicyRule{Verbs: []string{"get"}, NonResourceURLs: []string{"/.well-known/openid-configuration", "/.well-known/openid-configuration/", "/openid/v1/jwks", "/openid/v1/jwks/"}},
	rbacv1.PolicyRule{Verbs: []string{"get", "list", "watch"}, APIGroups: []string{"certificates.k8s.io"}, Resources: []string{"clustertrustbundles"}},
)

func allServiceAccountsBindings(snap *snapshot.Snapshot) []checks.Result {
	return judgeBroadBindings(snap, broadRule{
		names:        func(s rbacv1.Subject) bool { return s.Kind == rbacv1.GroupKind && s.Name == authz.AllServiceAccounts },
		allowed:      serviceAccountDiscoveryRules,
		allowedName:  "service-account discovery",
		expected:     "no more than discovery (/version, /healthz, /livez, /readyz, /api*, /openapi*, self-reviews), the service-account issuer's OIDC documents and reading ClusterTrustBundles",
		passObserved: "no binding gives system:serviceaccounts more than discovery",
	})
}
