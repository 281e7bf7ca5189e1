// Package rbac holds the checks on who can do what in the cluster (CIS 5.1, bindings to the
// unauthenticated and all-authenticated groups, escalation paths, pods whose token grants
// too much), one control per file. They evaluate the snapshot's Roles, ClusterRoles and
// bindings with package internal/authz, which matches rules as the API server does.
//
// Their controls report under the control-plane layer, not a layer of their own. CIS 1.12
// puts them in section 5 (Policies), subsection 5.1 "RBAC and Service Accounts", beside pod
// security, network policies and secrets; kubeposture groups a control by the part of the cluster
// whose configuration it judges, and roles and bindings are the API server's authorization
// data: what the RBAC authorizer in kube-apiserver allows or denies on every request (the
// controls that also read pods and service accounts do so to say whose token carries those
// rights). A layer of their own would change the layer that every report format, the metrics'
// labels and --layer give these controls.
//
// Kubernetes' own bootstrap bindings and roles (label kubernetes.io/bootstrapping=
// rbac-defaults and a system: name or cluster-admin/admin/edit/view) are not reported by the
// "minimize" controls: they are the platform's, and the user cannot remove them. Everything
// else that grants the permission is reported, with the binding, role and subjects.
package rbac

import (
	"fmt"
	"sort"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/internal/authz"
	"github.com/kubeposture/kubeposture/snapshot"
)

// inputs is what every RBAC check reads.
var inputs = []snapshot.Resource{snapshot.ResRoles, snapshot.ResClusterRoles, snapshot.ResRoleBindings, snapshot.ResClusterRoleBindings}

// evaluatorKey is the evaluator's key in the run's memo (checks.Memo).
type evaluatorKey struct{}

// evaluator returns the snapshot's RBAC evaluator, built once per run and shared by the RBAC
// controls (it is read-only once built).
func evaluator(snap *snapshot.Snapshot) *authz.Evaluator {
	return checks.Memo(snap, evaluatorKey{}, func() *authz.Evaluator {
		return authz.New(snap.Roles, snap.ClusterRoles, snap.RoleBindings, snap.ClusterRoleBindings)
	})
}

// broadGroups are the groups every request, every authenticated request or every service
// account falls into: a grant to them is a grant to everyone of that kind.
var broadGroups = map[string]bool{
	authz.Unauthenticated: true, authz.Authenticated: true, authz.AllServiceAccounts: true,
}

// broadSubject reports whether s is everyone of some kind (a broad group, or the anonymous
// user).
func broadSubject(s rbacv1.Subject) bool {
	return (s.Kind == rbacv1.GroupKind && broadGroups[s.Name]) || (s.Kind == rbacv1.UserKind && s.Name == authz.Anonymous)
}

// subjectString renders a subject as kind and name (namespace/name for service accounts,
// with the binding's namespace when the subject has none).
func subjectString(b *authz.Binding, s rbacv1.Subject) string {
	if s.Kind == rbacv1.ServiceAccountKind {
		ns := s.Namespace
		if ns == "" {
			ns = b.Namespace
		}
		return "ServiceAccount " + ns + "/" + s.Name
	}
	return s.Kind + " " + s.Name
}

func subjects(b *authz.Binding) string {
	var out []string
	for _, s := range b.Subjects {
		out = append(out, subjectString(b, s))
	}
	return strings.Join(out, ", ")
}

func bindingResource(b *authz.Binding) checks.Resource {
	return checks.Resource{Kind: b.Kind, Namespace: b.Namespace, Name: b.Name}
}

// ask is one permission a control looks for. ClusterScoped resources can only be granted
// by ClusterRoleBindings; namespaced ones are asked in each RoleBinding's own namespace and
// cluster-wide for ClusterRoleBindings.
type ask struct {
	authz.Request
	ClusterScoped bool
}

// judgeGrants reports every binding (Kubernetes' own excepted) that grants one of asks: WARN,
// or FAIL when a subject is everyone of some kind. With none, one PASS for the cluster.
func judgeGrants(snap *snapshot.Snapshot, asks []ask, expected string) []checks.Result {
	e := evaluator(snap)
	var out []checks.Result
	for _, b := range e.Bindings {
		if b.Default || len(b.Subjects) == 0 {
			continue
		}
		var granted []string
		for _, a := range asks {
			r := a.Request
			if b.Kind == "RoleBinding" {
				if a.ClusterScoped {
					continue
				}
				r.Namespace = b.Namespace
			}
			if b.Allows(r) {
				granted = append(granted, r.String())
			}
		}
		if len(granted) == 0 {
			continue
		}
		status := checks.Warn
		for _, s := range b.Subjects {
			if broadSubject(s) {
				status = checks.Fail
			}
		}
		out = append(out, checks.Result{Status: status, Resource: bindingResource(b), Evidence: checks.Evidence{
			Where:    fmt.Sprintf("%s (role %s)", b.ID(), b.Role()),
			Observed: fmt.Sprintf("%s can %s", subjects(b), strings.Join(granted, "; ")),
			Expected: expected,
		}})
	}
	if len(out) == 0 {
		return []checks.Result{{Status: checks.Pass, Resource: checks.Resource{Kind: "Cluster"}, Evidence: checks.Evidence{
			Where:    fmt.Sprintf("%d bindings (Kubernetes' own excepted)", countUserBindings(e)),
			Observed: "no binding grants it",
			Expected: expected,
		}}}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Resource.String() < out[j].Resource.String() })
	return out
}

func countUserBindings(e *authz.Evaluator) int {
	n := 0
	for _, b := range e.Bindings {
		if !b.Default {
			n++
		}
	}
	return n
}

// req is shorthand for an ask.
func req(verb, group, resource, subresource string, clusterScoped bool) ask {
	return ask{Request: authz.Request{Verb: verb, Group: group, Resource: resource, Subresource: subresource}, ClusterScoped: clusterScoped}
}
