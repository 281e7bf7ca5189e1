package rbac

import (
	"strings"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/internal/authz"
	"github.com/kubeposture/kubeposture/internal/owners"
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

// tokenMounted reports whether a pod of spec has a service-account token in its file system,
// sa being the account it runs as (nil when not in the snapshot): a projected
// serviceAccountToken volume (what the ServiceAccount admission plugin adds), or automounting
// not turned off (the pod's field wins over its service account's; unset on both is true,
// k8s.io/kubernetes plugin/pkg/admission/serviceaccount). For a template it is what the
// plugin will decide for the pods created from it, with the account as it is now.
func tokenMounted(spec *corev1.PodSpec, sa *corev1.ServiceAccount) bool {
	for _, v := range spec.Volumes {
		if v.Projected != nil {
			for _, src := range v.Projected.Sources {
				if src.ServiceAccountToken != nil {
					return true
				}
			}
		}
	}
	if spec.AutomountServiceAccountToken != nil {
		return *spec.AutomountServiceAccountToken
	}
	if sa != nil && sa.AutomountServiceAccountToken != nil {
		return *sa.AutomountServiceAccountToken
	}
	return true
}

// serviceAccountName is the service account a pod of spec runs as: serviceAccountName, else
// the deprecated serviceAccount (a manifest may set only the old field; the API server copies
// one into the other), else "default", which the ServiceAccount admission plugin assigns.
func serviceAccountName(spec *corev1.PodSpec) string {
	switch {
	case spec.ServiceAccountName != "":
		return spec.ServiceAccountName
	case spec.DeprecatedServiceAccount != "":
		return spec.DeprecatedServiceAccount
	}
	return "default"
}

// account names a service account; a map key that costs no allocation per pod.
type account struct{ namespace, name string }

func (a account) String() string { return a.namespace + "/" + a.name }

// serviceAccounts indexes the snapshot's service accounts.
func serviceAccounts(snap *snapshot.Snapshot) map[account]*corev1.ServiceAccount {
	m := make(map[account]*corev1.ServiceAccount, len(snap.ServiceAccounts))
	for i := range snap.ServiceAccounts {
		sa := &snap.ServiceAccounts[i]
		m[account{sa.Namespace, sa.Name}] = sa
	}
	return m
}

// accountGrants returns the bindings that grant to service account namespace/name itself:
// those naming it or its namespace's service-account group (authz.ServiceAccountGrantee), not
// those to every service account or every authenticated identity, which KP-RBAC-014 and
// KP-RBAC-017 report once for the cluster. The CIS controls on service accounts (5.1.5, 5.1.6)
// ask this; what the account's token can do is authz.ServiceAccountUser's question.
func accountGrants(e *authz.Evaluator, namespace, name string) []*authz.Binding {
	return e.BindingsFor(authz.ServiceAccountGrantee(namespace, name))
}

// workloadsKey is the workload index's key in the run's memo (checks.Memo).
type workloadsKey struct{}

// workloads returns the snapshot's top-level workloads (package internal/owners), built once
// per run and shared by the controls about pods: each judges a workload's template as the
// pods it will create, and its pods as they run. Read-only.
func workloads(snap *snapshot.Snapshot) []owners.Workload {
	return checks.Memo(snap, workloadsKey{}, func() []owners.Workload { return owners.Index(snap) })
}

// tokenMount is where a workload mounts one service account's token: its template (the pods
// it will create) and which of its running pods.
type tokenMount struct {
	account  account
	template bool
	pods     []string
}

// in names the workload's objects that mount the token ("template and 2 of 3 pods").
func (m *tokenMount) in(w *owners.Workload) string {
	return owners.Part(m.template, len(m.pods), len(w.Pods), m.pods)
}

// tokenMounts returns, appended to buf[:0] and by account in order of first appearance, the
// tokens w's template (as the pods it will create) and pods (as they run) mount, keeping the
// accounts keep accepts; and whether any of them mounts a token at all.
func tokenMounts(w *owners.Workload, sas map[account]*corev1.ServiceAccount, keep func(account) bool, buf []tokenMount) ([]tokenMount, bool) {
	out, mounts := buf[:0], false
	judge := func(spec *corev1.PodSpec, pod string) {
		a := account{w.Namespace, serviceAccountName(spec)}
		if !tokenMounted(spec, sas[a]) {
			return
		}
		mounts = true
		if !keep(a) {
			return
		}
		i := 0
		for i < len(out) && out[i].account != a {
			i++
		}
		if i == len(out) {
			out = append(out, tokenMount{account: a})
		}
		if pod == "" {
			out[i].template = true
		} else {
			out[i].pods = append(out[i].pods, pod)
		}
	}
	if w.Template != nil {
		judge(&w.Template.Spec, "")
	}
	for _, p := range w.Pods {
		// A mirror pod has no token: the ServiceAccount admission plugin refuses one that
		// names a service account or a token volume, and the kubelet mounts none for a static
		// pod (plugin/pkg/admission/serviceaccount).
		if _, mirror := p.Annotations[corev1.MirrorPodAnnotationKey]; mirror {
			continue
		}
		judge(&p.Spec, p.Name)
	}
	return out, mounts
}

// subjectKey identifies a subject across bindings.
func subjectKey(b *authz.Binding, s rbacv1.Subject) string {
	return subjectString(b, s)
}

// isSystemName reports names Kubernetes reserves for its components ("system:" prefix).
func isSystemName(name string) bool { return strings.HasPrefix(name, "system:") }
