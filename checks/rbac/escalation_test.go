package rbac

import (
	"strings"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

// escalationSnap has namespaces team and build, service accounts team/admin-bot (which can
// list every secret), team/web and build/builder.
func escalationSnap() *snapshot.Snapshot {
	snap := rbacSnap()
	for _, ns := range []string{"team", "build"} {
		snap.Namespaces = append(snap.Namespaces, corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}})
	}
	for _, sa := range [][2]string{{"team", "admin-bot"}, {"team", "web"}, {"build", "builder"}} {
		snap.ServiceAccounts = append(snap.ServiceAccounts, corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Namespace: sa[0], Name: sa[1]}})
	}
	bind(snap, "secret-reader", []rbacv1.PolicyRule{rule(s("list"), s(""), s("secrets"))}, "ClusterRoleBinding",
		rbacv1.Subject{Kind: "ServiceAccount", Name: "admin-bot", Namespace: "team"}, nil)
	return snap
}

// roleBinding binds a new ClusterRole with rules to subject in namespace ns.
func roleBinding(snap *snapshot.Snapshot, ns, name string, rules []rbacv1.PolicyRule, subject rbacv1.Subject) {
	snap.ClusterRoles = append(snap.ClusterRoles, rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: name}, Rules: rules})
	snap.RoleBindings = append(snap.RoleBindings, rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		RoleRef: rbacv1.RoleRef{Kind: "ClusterRole", Name: name}, Subjects: []rbacv1.Subject{subject}})
}

func cronJob(ns, name string, spec corev1.PodSpec) batchv1.CronJob {
	return batchv1.CronJob{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, UID: types.UID(ns + "/" + name)},
		Spec: batchv1.CronJobSpec{JobTemplate: batchv1.JobTemplateSpec{Spec: batchv1.JobSpec{Template: corev1.PodTemplateSpec{Spec: spec}}}}}
}

func TestEscalation(t *testing.T) {
	alice := rbacv1.Subject{Kind: "User", Name: "alice"}
	for _, tc := range []struct {
		name  string
		setup func(*snapshot.Snapshot)
		want  checks.Status
		chain []string
	}{
		{"create pods where a powerful account lives", func(s_ *snapshot.Snapshot) {
			roleBinding(s_, "team", "pod-maker", []rbacv1.PolicyRule{rule(s("create"), s(""), s("pods"))}, alice)
		}, checks.Fail, []string{"User alice can create pods in team (RoleBinding/team/pod-maker -> ClusterRole/pod-maker) -> a pod runs as ServiceAccount team/admin-bot -> ServiceAccount team/admin-bot can list secrets cluster-wide (ClusterRoleBinding/secret-reader -> ClusterRole/secret-reader)"}},
		{"exec into a pod that mounts the powerful token", func(s_ *snapshot.Snapshot) {
			roleBinding(s_, "team", "exec", []rbacv1.PolicyRule{rule(s("create"), s(""), s("pods/exec"))}, alice)
			s_.Pods = append(s_.Pods, corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "team", Name: "bot-0"}, Spec: corev1.PodSpec{ServiceAccountName: "admin-bot"}})
		}, checks.Fail, []string{"can exec into pod team/bot-0", "ServiceAccount team/admin-bot can list secrets"}},
		// A CronJob between runs: its pods will mount the token, and the subject can exec into
		// them when they run.
		{"exec into the pods a CronJob will create", func(s_ *snapshot.Snapshot) {
			roleBinding(s_, "team", "exec", []rbacv1.PolicyRule{rule(s("create"), s(""), s("pods/exec"))}, alice)
			s_.CronJobs = append(s_.CronJobs, cronJob("team", "report", corev1.PodSpec{ServiceAccountName: "admin-bot"}))
		}, checks.Fail, []string{"can exec into the pods of CronJob team/report when they run (RoleBinding/team/exec -> ClusterRole/exec), which mount the token of ServiceAccount team/admin-bot"}},
		{"exec into a CronJob's pods, which mount no token", func(s_ *snapshot.Snapshot) {
			roleBinding(s_, "team", "exec", []rbacv1.PolicyRule{rule(s("create"), s(""), s("pods/exec"))}, alice)
			s_.CronJobs = append(s_.CronJobs, cronJob("team", "report", corev1.PodSpec{ServiceAccountName: "admin-bot", AutomountServiceAccountToken: ptr.To(false)}))
		}, checks.Pass, nil},
		{"exec with no such pod", func(s_ *snapshot.Snapshot) {
			roleBinding(s_, "team", "exec", []rbacv1.PolicyRule{rule(s("create"), s(""), s("pods/exec"))}, alice)
		}, checks.Pass, nil},
		{"read a legacy token secret", func(s_ *snapshot.Snapshot) {
			roleBinding(s_, "team", "reader", []rbacv1.PolicyRule{rule(s("get"), s(""), s("secrets"))}, alice)
			s_.Secrets = append(s_.Secrets, snapshot.SecretMeta{ObjectMeta: metav1.ObjectMeta{Namespace: "team", Name: "admin-bot-token",
				Annotations: map[string]string{corev1.ServiceAccountNameKey: "admin-bot"}}, Type: corev1.SecretTypeServiceAccountToken})
		}, checks.Fail, []string{"can read secret team/admin-bot-token"}},
		{"two steps: a token in build, whose account creates pods in team", func(s_ *snapshot.Snapshot) {
			roleBinding(s_, "build", "tokens", []rbacv1.PolicyRule{rule(s("create"), s(""), s("serviceaccounts/token"))}, alice)
			roleBinding(s_, "team", "deployer", []rbacv1.PolicyRule{rule(s("create"), s(""), s("pods"))}, rbacv1.Subject{Kind: "ServiceAccount", Name: "builder", Namespace: "build"})
		}, checks.Fail, []string{"User alice can create a token for ServiceAccount build/builder", "-> as ServiceAccount build/builder can create pods in team", "ServiceAccount team/admin-bot can list secrets"}},
		{"create deployments where a powerful account lives", func(s_ *snapshot.Snapshot) {
			roleBinding(s_, "team", "deployer", []rbacv1.PolicyRule{rule(s("create", "update"), s("apps"), s("deployments"))}, alice)
		}, checks.Fail, []string{"User alice can create deployments in team (RoleBinding/team/deployer -> ClusterRole/deployer) -> a pod runs as ServiceAccount team/admin-bot"}},
		{"deployments in the wrong group", func(s_ *snapshot.Snapshot) {
			roleBinding(s_, "team", "deployer", []rbacv1.PolicyRule{rule(s("create"), s(""), s("deployments"))}, alice)
		}, checks.Pass, nil},
		{"pods in a namespace without powerful accounts", func(s_ *snapshot.Snapshot) {
			roleBinding(s_, "build", "pod-maker", []rbacv1.PolicyRule{rule(s("create"), s(""), s("pods"))}, alice)
		}, checks.Pass, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			snap := escalationSnap()
			tc.setup(snap)
			rs := escalation(snap)
			var got *checks.Result
			for i := range rs {
				if rs[i].Resource.Name == "alice" || rs[i].Resource.Kind == "Cluster" || rs[i].Resource.Name == "builder" {
					if got == nil || rs[i].Resource.Name == "alice" {
						got = &rs[i]
					}
				}
			}
			if tc.want == checks.Pass {
				for _, r := range rs {
					if r.Resource.Name == "alice" {
						t.Fatalf("alice reported: %+v", r)
					}
				}
				return
			}
			if got == nil || got.Status != tc.want || got.Resource != (checks.Resource{Kind: "User", Name: "alice"}) {
				t.Fatalf("got %+v, want a %s on User alice", rs, tc.want)
			}
			for _, c := range tc.chain {
				if !strings.Contains(got.Evidence.Observed, c) {
					t.Errorf("chain %q does not contain %q", got.Evidence.Observed, c)
				}
			}
		})
	}
	// The powerful account itself is not an escalation: its bindings are reported elsewhere.
	rs := escalation(escalationSnap())
	if len(rs) != 1 || rs[0].Status != checks.Pass {
		t.Errorf("no path: got %+v, want one PASS", rs)
	}
}
