// No subject may reach a cluster-wide power in one or two steps through another identity.
//
// Source: kubeposture (issue 3), after the escalation paths the Kubernetes RBAC good
// practices document lists (https://kubernetes.io/docs/concepts/security/rbac-good-practices/:
// workload creation, exec, token creation and secret read give a subject the rights of the
// service accounts it can reach).
//
// Reads: Roles, ClusterRoles, bindings (package internal/authz matching), ServiceAccounts,
// Pods and their controllers' templates (package internal/owners: which service account each
// runs as, or will, and whether its token is mounted), Namespaces, and secrets' metadata
// (type kubernetes.io/service-account-token and the service-account.name annotation; never
// their values).
//
// A step from identity U to service account S is one of:
//   - U can create pods, or a workload that makes pods (deployments, replicasets,
//     statefulsets, daemonsets, jobs, cronjobs, replicationcontrollers), in S's namespace: a
//     pod can run as S;
//   - U can create serviceaccounts/token in that namespace: U can mint S's token;
//   - U can create pods/exec in that namespace and a pod there mounts S's token: a running
//     pod, or the pods a workload's template will create (a CronJob between runs), which U
//     can exec into when they run;
//   - U can get secrets there and a legacy token secret of S exists.
//
// The power at the end is KP-RBAC-016's: cluster-wide get/list/watch on secrets, impersonate,
// escalate/bind ClusterRoles, or token creation for any service account.
//
// Allowed values: no subject of a binding (Kubernetes' own bindings excepted) that lacks the
// power reaches it in one or two steps. Each one that does is a FAIL, with the shortest chain
// in Evidence.Observed ("User alice -> can create pods in ns (RoleBinding/...) -> runs as
// ServiceAccount ns/sa -> can list secrets cluster-wide (ClusterRoleBinding/... -> ...)").
// None: one PASS, saying how many subjects were analysed.

package rbac

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/internal/authz"
	"github.com/kubeposture/kubeposture/internal/owners"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:          "KP-RBAC-015",
			Title:       "No escalation path to cluster-wide power",
			Layer:       checks.ControlPlane,
			Severity:    checks.High,
			Description: "A subject that can create pods, exec into pods, mint tokens or read token secrets in a namespace holds the rights of the service accounts there: if one of them can read every secret, so can the subject.",
			Remediation: "Break the chain at its weakest link: move the powerful service account to a namespace the subject cannot create pods or exec in, remove the subject's pod, exec, token or secret rights there, or reduce the service account's rights.",
		},
		Inputs:   append(append([]snapshot.Resource{snapshot.ResServiceAccounts, snapshot.ResNamespaces, snapshot.ResSecrets}, inputs...), owners.Inputs...),
		Evaluate: escalation,
	})
}

// escalationGraph holds what the steps need, indexed by namespace.
type escalationGraph struct {
	e          *authz.Evaluator
	namespaces []string
	sas        map[string][]string              // namespace -> service account names
	execTarget map[string]map[string]execTarget // namespace -> service account -> where its token is mounted
	secretOf   map[string]map[string]string     // namespace -> service account -> a legacy token secret
	power      map[string]powerOf               // user name -> its power (memo)
}

func newEscalationGraph(snap *snapshot.Snapshot) *escalationGraph {
	g := &escalationGraph{e: evaluator(snap), sas: map[string][]string{}, execTarget: map[string]map[string]execTarget{},
		secretOf: map[string]map[string]string{}, power: map[string]powerOf{}}
	nsSet := map[string]bool{}
	for i := range snap.Namespaces {
		nsSet[snap.Namespaces[i].Name] = true
	}
	for i := range snap.ServiceAccounts {
		sa := &snap.ServiceAccounts[i]
		nsSet[sa.Namespace] = true
		g.sas[sa.Namespace] = append(g.sas[sa.Namespace], sa.Name)
	}
	for ns := range nsSet {
		g.namespaces = append(g.namespaces, ns)
	}
	sort.Strings(g.namespaces)
	// A running pod is the target where there is one; else the pods a workload's template
	// will create, which can be exec'd into when they run.
	sas := serviceAccounts(snap)
	target := func(ns string, spec *corev1.PodSpec, t execTarget) {
		sa := serviceAccountName(spec)
		if !tokenMounted(spec, sas[account{ns, sa}]) {
			return
		}
		if g.execTarget[ns] == nil {
			g.execTarget[ns] = map[string]execTarget{}
		}
		if _, ok := g.execTarget[ns][sa]; !ok {
			g.execTarget[ns][sa] = t
		}
	}
	for i := range snap.Pods {
		p := &snap.Pods[i]
		target(p.Namespace, &p.Spec, execTarget{"pod " + p.Namespace + "/" + p.Name, "mounts"})
	}
	for _, w := range workloads(snap) {
		if w.Template != nil {
			target(w.Namespace, &w.Template.Spec, execTarget{"the pods of " + w.Kind + " " + w.Namespace + "/" + w.Name + " when they run", "mount"})
		}
	}
	for i := range snap.Secrets {
		s := &snap.Secrets[i]
		if s.Type != corev1.SecretTypeServiceAccountToken {
			continue
		}
		sa := s.Annotations[corev1.ServiceAccountNameKey]
		if sa == "" {
			continue
		}
		if g.secretOf[s.Namespace] == nil {
			g.secretOf[s.Namespace] = map[string]string{}
		}
		g.secretOf[s.Namespace][sa] = s.Name
	}
	return g
}

func (g *escalationGraph) powerOf(u authz.User) powerOf {
	if p, ok := g.power[u.Name]; ok {
		return p
	}
	var p powerOf
	p.what, p.via = power(g.e, u)
	g.power[u.Name] = p
	return p
}

// podMakers are the resources whose creation runs a pod with a service account the creator
// chooses: pods themselves, and the workloads whose controllers create pods from a template
// (the controllers act with their own rights, not the creator's).
var podMakers = []struct{ name, group, resource string }{
	{"pods", "", "pods"}, {"deployments", "apps", "deployments"}, {"replicasets", "apps", "replicasets"},
	{"statefulsets", "apps", "statefulsets"}, {"daemonsets", "apps", "daemonsets"}, {"jobs", "batch", "jobs"},
	{"cronjobs", "batch", "cronjobs"}, {"replicationcontrollers", "", "replicationcontrollers"},
}

// move is one step to a service account.
type move struct {
	desc string
	ns   string
	sa   string
}

// moves lists u's steps, in namespace order, each target once. It walks u's bindings rather
// than every namespace: a ClusterRoleBinding grants in all namespaces, a RoleBinding in its
// own, so the namespaces where u can do something are found from its few bindings.
func (g *escalationGraph) moves(u authz.User) []move {
	bindings := g.e.BindingsFor(u)
	// where returns the namespaces where u may do r, with the binding that grants it there.
	where := func(verb, group, resource, sub string) (nss []string, via map[string]string) {
		r := authz.Request{Verb: verb, Group: group, Resource: resource, Subresource: sub}
		via = map[string]string{}
		for _, b := range bindings {
			if b.Kind == "ClusterRoleBinding" {
				if b.Allows(r) {
					for _, ns := range g.namespaces {
						if _, ok := via[ns]; !ok {
							via[ns] = grantedBy(b)
						}
					}
				}
				continue
			}
			if _, ok := via[b.Namespace]; !ok {
				rn := r
				rn.Namespace = b.Namespace
				if b.Allows(rn) {
					via[b.Namespace] = grantedBy(b)
				}
			}
		}
		for ns := range via {
			nss = append(nss, ns)
		}
		sort.Strings(nss)
		return nss, via
	}
	var out []move
	seen := map[string]bool{}
	add := func(m move) {
		if k := m.ns + "/" + m.sa; !seen[k] {
			seen[k] = true
			out = append(out, m)
		}
	}
	for _, w := range podMakers {
		nss, via := where("create", w.group, w.resource, "")
		for _, ns := range nss {
			for _, sa := range g.sas[ns] {
				add(move{fmt.Sprintf("can create %s in %s (%s) -> a pod runs as ServiceAccount %s/%s", w.name, ns, via[ns], ns, sa), ns, sa})
			}
		}
	}
	nss, via := where("create", "", "serviceaccounts", "token")
	for _, ns := range nss {
		for _, sa := range g.sas[ns] {
			add(move{fmt.Sprintf("can create a token for ServiceAccount %s/%s (%s)", ns, sa, via[ns]), ns, sa})
		}
	}
	nss, via = where("create", "", "pods", "exec")
	for _, ns := range nss {
		targets := g.execTarget[ns]
		for _, sa := range slices.Sorted(maps.Keys(targets)) {
			t := targets[sa]
			add(move{fmt.Sprintf("can exec into %s (%s), which %s the token of ServiceAccount %s/%s", t.pods, via[ns], t.mount, ns, sa), ns, sa})
		}
	}
	nss, via = where("get", "", "secrets", "")
	for _, ns := range nss {
		secrets := g.secretOf[ns]
		for _, sa := range slices.Sorted(maps.Keys(secrets)) {
			add(move{fmt.Sprintf("can read secret %s/%s (%s), a token of ServiceAccount %s/%s", ns, secrets[sa], via[ns], ns, sa), ns, sa})
		}
	}
	return out
}

// execTarget is where a service account's token is mounted in a namespace: a running pod
// ("pod ns/name", which "mounts" it), or the pods a workload's template will create.
type execTarget struct {
	pods, mount string
}

// chain returns the shortest chain (one or two steps) from u to a powerful identity, or "".
func (g *escalationGraph) chain(u authz.User) string {
	first := g.moves(u)
	end := func(m move) (string, bool) {
		p := g.powerOf(authz.ServiceAccountUser(m.ns, m.sa))
		if p.what == "" {
			return "", false
		}
		return fmt.Sprintf("ServiceAccount %s/%s can %s (%s)", m.ns, m.sa, p.what, grantedBy(p.via)), true
	}
	for _, m := range first {
		if tail, ok := end(m); ok {
			return m.desc + " -> " + tail
		}
	}
	for _, m := range first {
		for _, m2 := range g.moves(authz.ServiceAccountUser(m.ns, m.sa)) {
			if m2.ns == m.ns && m2.sa == m.sa {
				continue
			}
			if tail, ok := end(m2); ok {
				return m.desc + " -> as ServiceAccount " + m.ns + "/" + m.sa + " " + m2.desc + " -> " + tail
			}
		}
	}
	return ""
}

func escalation(snap *snapshot.Snapshot) []checks.Result {
	g := newEscalationGraph(snap)
	type subj struct {
		key string
		res checks.Resource
		u   authz.User
	}
	var subjects []subj
	seen := map[string]bool{}
	for _, b := range g.e.Bindings {
		if b.Default {
			continue
		}
		for _, s := range b.Subjects {
			k := subjectKey(b, s)
			if seen[k] || (s.Kind == "Group" && s.Name == authz.Masters) {
				continue
			}
			seen[k] = true
			u := userOf(b, s)
			res := checks.Resource{Kind: s.Kind, Name: s.Name}
			if s.Kind == "ServiceAccount" {
				res.Namespace = strings.TrimPrefix(strings.Split(k, "/")[0], "ServiceAccount ")
			}
			subjects = append(subjects, subj{k, res, u})
		}
	}
	sort.Slice(subjects, func(i, j int) bool { return subjects[i].key < subjects[j].key })
	var out []checks.Result
	for _, s := range subjects {
		if g.powerOf(s.u).what != "" {
			continue // already powerful: the other controls report its bindings
		}
		c := g.chain(s.u)
		if c == "" {
			continue
		}
		out = append(out, checks.Result{Status: checks.Fail, Resource: s.res, Evidence: checks.Evidence{
			Where:    "RBAC bindings of " + s.key,
			Observed: s.key + " " + c,
			Expected: "no path, in one or two steps, to cluster-wide secret read, impersonation, bind/escalate or token creation",
		}})
	}
	if len(out) == 0 {
		return []checks.Result{{Status: checks.Pass, Resource: checks.Resource{Kind: "Cluster"}, Evidence: checks.Evidence{
			Where:    fmt.Sprintf("%d subjects of bindings (Kubernetes' own excepted)", len(subjects)),
			Observed: "no escalation path in one or two steps", Expected: "no escalation path"}}}
	}
	return out
}
