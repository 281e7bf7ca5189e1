// Package authz evaluates Kubernetes RBAC over a snapshot's Roles, ClusterRoles and bindings,
// with the API server's own semantics, so that checks can ask "who can do what, where".
//
// Rule matching is k8s.io/component-helpers/auth/rbac/validation.Covers, the function the API
// server uses to decide whether one set of rules covers another (escalation prevention): one
// request is broken into a single verb, API group, resource (with "resource/subresource" and
// "*/subresource" forms) and optional name, and must be covered by one rule. Wildcards are
// "*" in verbs, groups and resources, as in k8s.io/kubernetes plugin/pkg/auth/authorizer/rbac.
// Subjects are matched as pkg/registry/rbac/validation/rule.go appliesToUser does (a
// ServiceAccount subject without a namespace takes the RoleBinding's). Aggregated
// ClusterRoles are resolved as pkg/controller/clusterroleaggregation does: their rules are
// the union of the rules of every ClusterRole that one of their selectors matches, so that a
// snapshot of a cluster whose controller manager has not run yet is judged right.
//
// There is no substring matching anywhere: names, verbs and resources are compared exactly.
package authz

import (
	"sort"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apiserver/pkg/authentication/serviceaccount"
	"k8s.io/apiserver/pkg/authentication/user"
	"k8s.io/component-helpers/auth/rbac/validation"
)

// Well-known users and groups (k8s.io/apiserver pkg/authentication/user and serviceaccount).
const (
	Anonymous          = user.Anonymous
	Unauthenticated    = user.AllUnauthenticated
	Authenticated      = user.AllAuthenticated
	Masters            = user.SystemPrivilegedGroup
	AllServiceAccounts = serviceaccount.AllServiceAccountsGroup
)

// User is an authenticated identity: a name and its groups.
type User struct {
	Name   string
	Groups []string
}

// ServiceAccountUser is the identity a service account's token authenticates as: what the API
// server authorizes when the token is used, so what the token can do. Its name and groups are
// k8s.io/apiserver pkg/authentication/serviceaccount's (MakeUsername, MakeGroupNames: every
// service account, and its namespace's), plus system:authenticated, which the authenticator
// adds to every authenticated request (pkg/authentication/group AuthenticatedGroupAdder).
func ServiceAccountUser(namespace, name string) User {
	return User{
		Name:   serviceaccount.MakeUsername(namespace, name),
		Groups: append(serviceaccount.MakeGroupNames(namespace), Authenticated),
	}
}

// ServiceAccountGrantee is a service account as a binding names it on purpose: by its user
// name (a ServiceAccount subject, or a User subject that spells the name) or through the
// group of its namespace's service accounts (system:serviceaccounts:NAMESPACE), which names
// the namespace. It leaves out the groups the account shares with every other service account
// (system:serviceaccounts) and every authenticated identity (system:authenticated): a grant to
// those is a grant to everyone of that kind, not to this account. The bindings that apply to
// it are what was granted to the account, the question CIS 5.1.5 and 5.1.6 ask; those that
// apply to ServiceAccountUser are what its token can do.
func ServiceAccountGrantee(namespace, name string) User {
	return User{
		Name:   serviceaccount.MakeUsername(namespace, name),
		Groups: []string{serviceaccount.MakeNamespaceGroupName(namespace)},
	}
}

// Request is one action to authorize. An empty Namespace asks about every namespace at once
// (a cluster-wide list or watch, or a cluster-scoped resource): only ClusterRoleBindings grant
// it. An empty Name asks about every object, so rules limited by resourceNames do not cover
// it.
type Request struct {
	Verb, Group, Resource, Subresource, Namespace, Name string
}

func (r Request) String() string {
	res := r.Resource
	if r.Subresource != "" {
		res += "/" + r.Subresource
	}
	if r.Group != "" {
		res += "." + r.Group
	}
	where := "cluster-wide"
	if r.Namespace != "" {
		where = "in namespace " + r.Namespace
	}
	return r.Verb + " " + res + " " + where
}

// Binding is a RoleBinding or ClusterRoleBinding with its role resolved.
type Binding struct {
	Kind      string // "RoleBinding" or "ClusterRoleBinding"
	Namespace string // the RoleBinding's namespace; "" for a ClusterRoleBinding
	Name      string
	RoleRef   rbacv1.RoleRef
	// Rules are the referenced role's rules, aggregation resolved. Nil when the role does not
	// exist (the binding then grants nothing).
	Rules    []rbacv1.PolicyRule
	Subjects []rbacv1.Subject
	// Default is true for Kubernetes' own bootstrap bindings (label
	// kubernetes.io/bootstrapping=rbac-defaults and a system: name or cluster-admin).
	Default bool
}

// ID names the binding as a report does: Kind/namespace/name or Kind/name.
func (b *Binding) ID() string {
	if b.Namespace != "" {
		return b.Kind + "/" + b.Namespace + "/" + b.Name
	}
	return b.Kind + "/" + b.Name
}

// Role names the referenced role.
func (b *Binding) Role() string {
	if b.RoleRef.Kind == "Role" {
		return "Role/" + b.Namespace + "/" + b.RoleRef.Name
	}
	return "ClusterRole/" + b.RoleRef.Name
}

// Allows reports whether the binding's rules grant r. A RoleBinding grants only within its
// namespace, never a cluster-wide request.
func (b *Binding) Allows(r Request) bool {
	if b.Kind == "RoleBinding" && r.Namespace != b.Namespace {
		return false
	}
	return RulesAllow(b.Rules, r)
}

// RulesAllow reports whether rules grant r, with the API server's matching.
func RulesAllow(rules []rbacv1.PolicyRule, r Request) bool {
	resource := r.Resource
	if r.Subresource != "" {
		resource += "/" + r.Subresource
	}
	atom := rbacv1.PolicyRule{Verbs: []string{r.Verb}, APIGroups: []string{r.Group}, Resources: []string{resource}}
	if r.Name != "" {
		atom.ResourceNames = []string{r.Name}
	}
	for i := range rules {
		// The request is one verb of one group: a rule without that verb or group (or "*")
		// cannot cover it (Covers' ruleCovers). Skipping it here, without Covers' breakdown
		// and sets, takes most of the cost out of a scan's RBAC controls.
		if !hasOrAll(rules[i].Verbs, r.Verb, rbacv1.VerbAll) || !hasOrAll(rules[i].APIGroups, r.Group, rbacv1.APIGroupAll) {
			continue
		}
		if ok, _ := validation.Covers(rules[i:i+1], []rbacv1.PolicyRule{atom}); ok {
			return true
		}
	}
	return false
}

// hasOrAll reports whether list holds v or the wildcard all.
func hasOrAll(list []string, v, all string) bool {
	for _, e := range list {
		if e == v || e == all {
			return true
		}
	}
	return false
}

// AppliesTo reports whether subject s of this binding is user u (appliesToUser).
func (b *Binding) AppliesTo(s rbacv1.Subject, u User) bool {
	switch s.Kind {
	case rbacv1.UserKind:
		return u.Name == s.Name
	case rbacv1.GroupKind:
		for _, g := range u.Groups {
			if g == s.Name {
				return true
			}
		}
		return false
	case rbacv1.ServiceAccountKind:
		ns := s.Namespace
		if ns == "" {
			ns = b.Namespace
		}
		return ns != "" && serviceaccount.MatchesUsername(ns, s.Name, u.Name)
	}
	return false
}

// Evaluator answers RBAC questions over one set of RBAC objects.
type Evaluator struct {
	Bindings []*Binding
	// byUser and byGroup index bindings by the subject names they name, so that the bindings
	// of one user are found without scanning all of them.
	byUser  map[string][]*Binding
	byGroup map[string][]*Binding
	// ClusterRoleRules holds each ClusterRole's effective rules, aggregation resolved.
	ClusterRoleRules map[string][]rbacv1.PolicyRule
	RoleRules        map[string][]rbacv1.PolicyRule // "namespace/name"
}

// New builds an evaluator. Bindings to a role that does not exist grant nothing (the
// authorizer skips them).
func New(roles []rbacv1.Role, clusterRoles []rbacv1.ClusterRole, roleBindings []rbacv1.RoleBinding, clusterRoleBindings []rbacv1.ClusterRoleBinding) *Evaluator {
	e := &Evaluator{
		byUser: map[string][]*Binding{}, byGroup: map[string][]*Binding{},
		ClusterRoleRules: resolveAggregation(clusterRoles),
		RoleRules:        map[string][]rbacv1.PolicyRule{},
	}
	for i := range roles {
		e.RoleRules[roles[i].Namespace+"/"+roles[i].Name] = roles[i].Rules
	}
	for i := range clusterRoleBindings {
		crb := &clusterRoleBindings[i]
		b := &Binding{Kind: "ClusterRoleBinding", Name: crb.Name, RoleRef: crb.RoleRef, Subjects: crb.Subjects, Default: isDefault(crb.ObjectMeta)}
		if crb.RoleRef.Kind == "ClusterRole" {
			b.Rules = e.ClusterRoleRules[crb.RoleRef.Name]
		}
		e.add(b)
	}
	for i := range roleBindings {
		rb := &roleBindings[i]
		b := &Binding{Kind: "RoleBinding", Namespace: rb.Namespace, Name: rb.Name, RoleRef: rb.RoleRef, Subjects: rb.Subjects, Default: isDefault(rb.ObjectMeta)}
		switch rb.RoleRef.Kind {
		case "ClusterRole":
			b.Rules = e.ClusterRoleRules[rb.RoleRef.Name]
		case "Role":
			b.Rules = e.RoleRules[rb.Namespace+"/"+rb.RoleRef.Name]
		}
		e.add(b)
	}
	return e
}

func (e *Evaluator) add(b *Binding) {
	e.Bindings = append(e.Bindings, b)
	seenU, seenG := map[string]bool{}, map[string]bool{}
	for _, s := range b.Subjects {
		switch s.Kind {
		case rbacv1.UserKind:
			if !seenU[s.Name] {
				e.byUser[s.Name] = append(e.byUser[s.Name], b)
				seenU[s.Name] = true
			}
		case rbacv1.GroupKind:
			if !seenG[s.Name] {
				e.byGroup[s.Name] = append(e.byGroup[s.Name], b)
				seenG[s.Name] = true
			}
		case rbacv1.ServiceAccountKind:
			ns := s.Namespace
			if ns == "" {
				ns = b.Namespace
			}
			if ns == "" {
				continue // a ClusterRoleBinding's subject without a namespace names no one (appliesToUser)
			}
			name := serviceaccount.MakeUsername(ns, s.Name)
			if !seenU[name] {
				e.byUser[name] = append(e.byUser[name], b)
				seenU[name] = true
			}
		}
	}
}

// BindingsFor returns the bindings that apply to u, each once, in a stable order.
func (e *Evaluator) BindingsFor(u User) []*Binding {
	seen := map[*Binding]bool{}
	var out []*Binding
	add := func(bs []*Binding) {
		for _, b := range bs {
			if !seen[b] {
				seen[b] = true
				out = append(out, b)
			}
		}
	}
	add(e.byUser[u.Name])
	for _, g := range u.Groups {
		add(e.byGroup[g])
	}
	return out
}

// Can reports whether u may perform r, and the first binding that grants it. Members of
// system:masters are allowed everything: the API server's authorizer lets them through
// before RBAC is asked (k8s.io/apiserver pkg/authorization/authorizerfactory privileged
// group).
func (e *Evaluator) Can(u User, r Request) (bool, *Binding) {
	for _, g := range u.Groups {
		if g == Masters {
			return true, nil
		}
	}
	for _, b := range e.BindingsFor(u) {
		if b.Allows(r) {
			return true, b
		}
	}
	return false, nil
}

// Who returns the bindings that grant r to someone, with the subjects they name.
func (e *Evaluator) Who(r Request) []*Binding {
	var out []*Binding
	for _, b := range e.Bindings {
		if len(b.Subjects) > 0 && b.Allows(r) {
			out = append(out, b)
		}
	}
	return out
}

// isDefault recognises the bootstrap policy's own objects (k8s.io/kubernetes
// plugin/pkg/auth/authorizer/rbac/bootstrappolicy: label kubernetes.io/bootstrapping=
// rbac-defaults). The name condition keeps a user's object that merely copies the label from
// being excused.
func isDefault(m metav1.ObjectMeta) bool {
	if m.Labels["kubernetes.io/bootstrapping"] != "rbac-defaults" {
		return false
	}
	switch m.Name {
	case "cluster-admin", "admin", "edit", "view":
		return true
	}
	return strings.HasPrefix(m.Name, "system:")
}

// IsDefaultRole reports whether a (Cluster)Role is one of the bootstrap policy's.
func IsDefaultRole(m metav1.ObjectMeta) bool { return isDefault(m) }

// resolveAggregation returns every ClusterRole's effective rules. A role with an
// aggregationRule gets the union of the rules of the roles its selectors match (itself
// excluded), resolved recursively with a guard against cycles, in name order so that the
// result is stable.
func resolveAggregation(crs []rbacv1.ClusterRole) map[string][]rbacv1.PolicyRule {
	byName := make(map[string]*rbacv1.ClusterRole, len(crs))
	names := make([]string, 0, len(crs))
	for i := range crs {
		byName[crs[i].Name] = &crs[i]
		names = append(names, crs[i].Name)
	}
	sort.Strings(names)
	out := make(map[string][]rbacv1.PolicyRule, len(crs))
	var resolve func(name string, visiting map[string]bool) []rbacv1.PolicyRule
	resolve = func(name string, visiting map[string]bool) []rbacv1.PolicyRule {
		if r, ok := out[name]; ok {
			return r
		}
		cr := byName[name]
		if cr.AggregationRule == nil {
			out[name] = cr.Rules
			return cr.Rules
		}
		visiting[name] = true
		var rules []rbacv1.PolicyRule
		for _, sel := range cr.AggregationRule.ClusterRoleSelectors {
			s, err := metav1.LabelSelectorAsSelector(&sel)
			if err != nil {
				continue // the controller skips a selector it cannot parse
			}
			for _, other := range names {
				if other == name || visiting[other] || !s.Matches(labels.Set(byName[other].Labels)) {
					continue
				}
				rules = append(rules, resolve(other, visiting)...)
			}
		}
		delete(visiting, name)
		out[name] = rules
		return rules
	}
	for _, n := range names {
		resolve(n, map[string]bool{})
	}
	return out
}
