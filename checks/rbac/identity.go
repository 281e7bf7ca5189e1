package rbac

import (
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/kubeposture/kubeposture/internal/authz"
	"github.com/kubeposture/kubeposture/snapshot"
)

// userOf is the identity a subject of a binding authenticates as. A group is judged through
// a member that has no other group but system:authenticated (and system:unauthenticated for
// that group), which is the least any member has.
func userOf(b *authz.Binding, s rbacv1.Subject) authz.User {
	switch s.Kind {
	case rbacv1.ServiceAccountKind:
		ns := s.Namespace
		if ns == "" {
			ns = b.Namespace
		}
		return authz.ServiceAccountUser(ns, s.Name)
	case rbacv1.GroupKind:
		if s.Name == authz.Unauthenticated {
			return authz.User{Name: authz.Anonymous, Groups: []string{authz.Unauthenticated}}
		}
		return authz.User{Name: "(a member of " + s.Name + ")", Groups: []string{s.Name, authz.Authenticated}}
	default:
		if s.Name == authz.Anonymous {
			return authz.User{Name: s.Name, Groups: []string{authz.Unauthenticated}}
		}
		return authz.User{Name: s.Name, Groups: []string{authz.Authenticated}}
	}
}

// powerAsks are the cluster-wide permissions that amount to owning the cluster's secrets or
// its RBAC: reading every secret (service-account tokens included), impersonating, granting
// any role, or minting tokens for any service account.
var powerAsks = []authz.Request{
	{Verb: "get", Resource: "secrets"},
	{Verb: "list", Resource: "secrets"},
	{Verb: "watch", Resource: "secrets"},
	{Verb: "impersonate", Resource: "users"},
	{Verb: "impersonate", Resource: "groups"},
	{Verb: "escalate", Group: "rbac.authorization.k8s.io", Resource: "clusterroles"},
	{Verb: "bind", Group: "rbac.authorization.k8s.io", Resource: "clusterroles"},
	{Verb: "create", Resource: "serviceaccounts", Subresource: "token"},
}

// power returns the first cluster-wide power u holds, and the binding that grants it ("" when
// u has none).
func power(e *authz.Evaluator, u authz.User) (string, *authz.Binding) {
	for _, r := range powerAsks {
		if ok, b := e.Can(u, r); ok {
			return r.String(), b
		}
	}
	return "", nil
}

// grantedBy renders how a permission was granted, for an evidence chain.
func grantedBy(b *authz.Binding) string {
	if b == nil {
		return "system:masters"
	}
	return b.ID() + " -> " + b.Role()
}

// tokenMounted reports whether pod p has a service-account token in its file system: a
// projected serviceAccountToken volume (what the ServiceAccount admission plugin adds), or
// automounting not turned off (the pod's field wins over its service account's; unset on
// both is true, k8s.io/kubernetes plugin/pkg/admission/serviceaccount).
func tokenMounted(p *corev1.Pod, sa *corev1.ServiceAccount) bool {
	for _, v := range p.Spec.Volumes {
		if v.Projected != nil {
			for _, src := range v.Projected.Sources {
				if src.ServiceAccountToken != nil {
					return true
				}
			}
		}
	}
	if p.Spec.AutomountServiceAccountToken != nil {
		return *p.Spec.AutomountServiceAccountToken
	}
	if sa != nil && sa.AutomountServiceAccountToken != nil {
		return *sa.AutomountServiceAccountToken
	}
	return true
}

// podServiceAccount is the pod's service account name ("default" when unset).
func podServiceAccount(p *corev1.Pod) string {
	if p.Spec.ServiceAccountName != "" {
		return p.Spec.ServiceAccountName
	}
	return "default"
}

// serviceAccounts indexes the snapshot's service accounts by namespace/name.
func serviceAccounts(snap *snapshot.Snapshot) map[string]*corev1.ServiceAccount {
	m := make(map[string]*corev1.ServiceAccount, len(snap.ServiceAccounts))
	for i := range snap.ServiceAccounts {
		sa := &snap.ServiceAccounts[i]
		m[sa.Namespace+"/"+sa.Name] = sa
	}
	return m
}

// userBindings returns the bindings other than Kubernetes' own that apply to u, by ID.
func userBindings(e *authz.Evaluator, u authz.User) []string {
	var out []string
	for _, b := range e.BindingsFor(u) {
		if !b.Default {
			out = append(out, b.ID())
		}
	}
	sort.Strings(out)
	return out
}

// subjectKey identifies a subject across bindings.
func subjectKey(b *authz.Binding, s rbacv1.Subject) string {
	return subjectString(b, s)
}

// isSystemName reports names Kubernetes reserves for its components ("system:" prefix).
func isSystemName(name string) bool { return strings.HasPrefix(name, "system:") }
