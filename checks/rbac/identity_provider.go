/*
KP-RBAC-030: people reach the cluster through an identity provider, not only client
certificates.

Source: Kubernetes documentation, "Authenticating" (kubernetes.io/docs/reference/access-authn-
authz/authentication/): X509 client certificates cannot be revoked before they expire (the
"Certificate Signing Requests" page: "Kubernetes does not support certificate revocation"), and
users are not objects of the API; OIDC tokens and webhook token authentication hand identity
to a provider that can disable an account and require MFA. NSA/CISA's hardening guide makes
the same point ("Authentication"). The talk behind issue 19 asks whether people log in through
an identity provider.

Decision: the cluster has an identity provider when every kube-apiserver instance configures
an OIDC or JWT authenticator (--oidc-issuer-url, or jwt[] in the --authentication-config file
given to audit) or a webhook token authenticator (--authentication-token-webhook-config-file):
PASS. Without one, the only way in for a person is a client certificate (or a static token,
KP-CP-006's failure); each binding (Kubernetes' own excepted) naming a User or Group that is not
a system: name (service accounts are not people) is then a FAIL, listing them (the subjects
kubeadm gives its own certificates excepted: kubeadm:cluster-admins, of admin.conf, the
break-glass certificate the remediation keeps, and kube-apiserver-kubelet-client, the API
server's client certificate to the kubelets; kubeadm's constants): those people's
access cannot be revoked short of the certificate's expiry or rotating the CA. No such binding:
PASS. A provider-run control plane (EKS, GKE, AKS) authenticates people through the provider's
IAM (a webhook): NOT_APPLICABLE. An API server not seen, or an --authentication-config file
not given to audit: NOT_EVALUATED. Whether the identity provider requires MFA is not visible
from the cluster: the remediation says so.

Reads: kube-apiserver --oidc-issuer-url, --authentication-token-webhook-config-file,
--authentication-config and its jwt[]; RoleBindings and ClusterRoleBindings.
*/

package rbac

import (
	"fmt"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:       "KP-RBAC-030",
			Title:    "People reach the cluster through an identity provider, not client certificates alone",
			Layer:    checks.ControlPlane,
			Severity: checks.High,
			Description: "Without an OIDC or webhook authenticator, people authenticate with client certificates: they cannot " +
				"be revoked before they expire, carry no second factor, and leave with the person who holds them. Users " +
				"and groups bound by name in RBAC are then such certificates' subjects.",
			Remediation: "Configure an OIDC (JWT) authenticator in --authentication-config (or --oidc-issuer-url) or a webhook " +
				"token authenticator, bind the identity provider's prefixed groups instead of named users, and keep client " +
				"certificates for components and break-glass. Require multi-factor authentication in the identity provider: " +
				"the cluster cannot see it.",
		},
		Inputs:    inputs,
		AnyInputs: []snapshot.Resource{snapshot.ResControlPlane, snapshot.ResNodeReports},
		Evaluate:  identityProvider,
	})
}

func identityProvider(snap *snapshot.Snapshot) []checks.Result {
	cluster := checks.Resource{Kind: "Cluster"}
	const expected = "an OIDC, JWT or webhook token authenticator on every API server, or no person bound by name"
	comps := snap.Components("kube-apiserver")
	if len(comps) == 0 {
		if p := snap.Cluster.Provider; p.Managed() {
			return []checks.Result{{Status: checks.NotApplicable, Resource: cluster,
				Reason: fmt.Sprintf("control plane managed by %s: people authenticate through the provider's IAM", p)}}
		}
		return []checks.Result{{Status: checks.NotEvaluated, Resource: cluster,
			Reason: "no kube-apiserver instance in the snapshot: its authenticators are not known"}}
	}
	var without []string
	var how []string
	for _, c := range comps {
		idp, unknown := authenticatorOf(snap, c)
		switch {
		case unknown != "":
			return []checks.Result{{Status: checks.NotEvaluated, Resource: cluster, Reason: unknown}}
		case idp == "":
			without = append(without, c.Pod)
		default:
			how = append(how, c.Pod+": "+idp)
		}
	}
	if len(without) == 0 {
		return []checks.Result{{Status: checks.Pass, Resource: cluster,
			Evidence: checks.Evidence{Where: "kube-apiserver authenticators", Observed: strings.Join(how, "; "), Expected: expected}}}
	}
	var out []checks.Result
	for _, b := range evaluator(snap).Bindings {
		if b.Default {
			continue
		}
		var people []string
		for _, s := range b.Subjects {
			if (s.Kind == rbacv1.UserKind || s.Kind == rbacv1.GroupKind) && !strings.HasPrefix(s.Name, "system:") && !installerSubjects[s.Kind+" "+s.Name] {
				people = append(people, s.Kind+" "+s.Name)
			}
		}
		if len(people) == 0 {
			continue
		}
		out = append(out, checks.Result{Status: checks.Fail, Resource: bindingResource(b), Evidence: checks.Evidence{
			Where:    "subjects (role " + b.RoleRef.Kind + " " + b.RoleRef.Name + ")",
			Observed: strings.Join(people, ", ") + ": only client certificates authenticate them (no OIDC or webhook authenticator on " + strings.Join(without, ", ") + ")",
			Expected: expected,
		}})
	}
	if len(out) == 0 {
		out = append(out, checks.Result{Status: checks.Pass, Resource: cluster, Evidence: checks.Evidence{
			Where:    "RoleBindings and ClusterRoleBindings subjects",
			Observed: "no OIDC or webhook authenticator, but no user or group bound by name outside system:",
			Expected: expected,
		}})
	}
	return out
}

// installerSubjects are the subjects of the certificates kubeadm issues for itself
// (cmd/kubeadm/app/constants: ClusterAdminsGroupAndClusterRoleBinding, of admin.conf since
// 1.29, and APIServerKubeletClientCertCommonName): not people bound by name.
var installerSubjects = map[string]bool{
	rbacv1.GroupKind + " kubeadm:cluster-admins":       true,
	rbacv1.UserKind + " kube-apiserver-kubelet-client": true,
}

// authenticatorOf names the identity-provider authenticator c configures ("" for none), or says
// why it cannot be known.
func authenticatorOf(snap *snapshot.Snapshot, c *snapshot.Component) (idp, unknown string) {
	if v, ok := c.Flag("oidc-issuer-url"); ok && v != "" {
		return "--oidc-issuer-url=" + v, ""
	}
	if v, ok := c.Flag("authentication-token-webhook-config-file"); ok && v != "" {
		return "--authentication-token-webhook-config-file=" + v, ""
	}
	if file, ok := c.Flag("authentication-config"); ok {
		if snap.Files == nil || snap.Files.Authentication == nil {
			return "", "the API server's AuthenticationConfiguration " + file + " was not given to audit (--authentication-config): its JWT authenticators are not known"
		}
		if a := snap.Files.Authentication; len(a.JWT) > 0 {
			return fmt.Sprintf("%d JWT authenticator(s) in %s (issuer %s)", len(a.JWT), file, a.JWT[0].Issuer), ""
		}
	}
	return "", ""
}
