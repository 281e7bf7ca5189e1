package collect_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/kubeposture/kubeposture/checks"
	_ "github.com/kubeposture/kubeposture/checks/builtin"
	"github.com/kubeposture/kubeposture/collect"
	"github.com/kubeposture/kubeposture/internal/estate"
	"github.com/kubeposture/kubeposture/internal/testcluster"
	"github.com/kubeposture/kubeposture/snapshot"
	"github.com/kubeposture/kubeposture/snapshot/snapfile"
)

// One real API server, seeded with the example estate, serves every test in this file.
var cluster *testcluster.Cluster

func TestMain(m *testing.M) {
	// The kube-apiserver static pod records the flags this server really runs with, so the
	// control-plane checks judge a real configuration.
	os.Exit(testcluster.RunTests(m, &cluster, testcluster.Options{}, func(ctx context.Context, c *testcluster.Cluster) error {
		cs, err := c.Client()
		if err != nil {
			return err
		}
		return estate.Seed(ctx, cs, c.APIServerArgs)
	}))
}

func collectAs(t *testing.T, cfgUser string, opts collect.Options) *snapshot.Snapshot {
	t.Helper()
	cfg := cluster.Admin
	if cfgUser != "" {
		var err error
		if cfg, err = cluster.UserConfig(cfgUser); err != nil {
			t.Fatal(err)
		}
	}
	snap, err := collect.Collect(context.Background(), cfg, opts)
	if err != nil {
		t.Fatalf("collect: %v", err)
	}
	return snap
}

// verdicts flattens a report into "control resource" -> status, for exact comparison.
func verdicts(rep *checks.Report, controls ...string) map[string]checks.Status {
	want := map[string]bool{}
	for _, c := range controls {
		want[c] = true
	}
	out := map[string]checks.Status{}
	for _, c := range rep.Controls {
		if len(controls) > 0 && !want[c.ID] {
			continue
		}
		for _, r := range c.Results {
			out[c.ID+" "+r.Resource.String()] = r.Status
		}
	}
	return out
}

func diffVerdicts(t *testing.T, got, want map[string]checks.Status) {
	t.Helper()
	var keys []string
	for k := range want {
		keys = append(keys, k)
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		if got[k] != want[k] {
			t.Errorf("%s: got %q, want %q", k, got[k], want[k])
		}
	}
}

func TestCollectEstate(t *testing.T) {
	snap := collectAs(t, "", collect.Options{})

	if snap.Cluster.Version != cluster.Version {
		t.Errorf("cluster version %q, want %q", snap.Cluster.Version, cluster.Version)
	}
	cs, _ := cluster.Client()
	ks, err := cs.CoreV1().Namespaces().Get(context.Background(), "kube-system", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if snap.Cluster.UID != string(ks.UID) {
		t.Errorf("cluster uid %q, want kube-system's %q", snap.Cluster.UID, ks.UID)
	}
	if snap.Cluster.Provider != snapshot.ProviderKubeadm {
		t.Errorf("provider %q, want kubeadm (from the static pods' annotations)", snap.Cluster.Provider)
	}

	// Exactly the seeded objects (the server creates none of these kinds by itself, except
	// its own default/kubernetes service and bootstrap RBAC, checked separately).
	wantCounts := map[snapshot.Resource]int{
		snapshot.ResNodes: 2, snapshot.ResPods: 4 + 3 + 2 + 1, snapshot.ResDeployments: 2,
		snapshot.ResReplicaSets: 2, snapshot.ResJobs: 1, snapshot.ResCronJobs: 1,
		snapshot.ResSecrets: 1, snapshot.ResNetworkPolicies: 2, snapshot.ResIngresses: 2,
		snapshot.ResServices: 4, snapshot.ResControlPlane: 4, snapshot.ResServiceAccounts: 6,
		snapshot.ResNamespaces: 8, snapshot.ResStatefulSets: 0, snapshot.ResDaemonSets: 0,
	}
	for r, n := range wantCounts {
		got := snap.Resources[r]
		if got.State != snapshot.Collected || got.Count != n {
			t.Errorf("resources[%s] = %+v, want collected with count %d", r, got, n)
		}
	}
	for _, r := range []snapshot.Resource{snapshot.ResClusterRoles, snapshot.ResClusterRoleBindings} {
		if got := snap.Resources[r]; got.State != snapshot.Collected || got.Count < 10 {
			t.Errorf("resources[%s] = %+v, want the bootstrap RBAC objects", r, got)
		}
	}
	// There is no kubelet behind the node objects: configz fails per node, and that is
	// recorded, not hidden.
	if got := snap.Resources[snapshot.ResKubeletConfigs]; got.State == snapshot.Collected {
		t.Errorf("nodes/proxy: %+v, want a failure (no kubelet runs in the test cluster)", got)
	}
	if len(snap.Kubelets) != 2 {
		t.Errorf("kubelets: %d entries, want one per node", len(snap.Kubelets))
	}

	api := snap.Component("kube-apiserver")
	if api == nil {
		t.Fatal("kube-apiserver component not found among kube-system pods")
	}
	if v, ok := api.Flag("authorization-mode"); !ok || v != "Node,RBAC" {
		t.Errorf("kube-apiserver --authorization-mode = %q (set %v), want Node,RBAC", v, ok)
	}
	if !api.Mirror || api.Node != "cp-1" {
		t.Errorf("kube-apiserver component: mirror %v node %q, want a mirror pod on cp-1", api.Mirror, api.Node)
	}

	// Secrets: type and metadata only; the value, and kubectl's last-applied copy of it,
	// must not be anywhere in the snapshot.
	var buf bytes.Buffer
	if err := snapfile.Write(&buf, snap); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(buf.Bytes(), []byte(estate.LeakCanary)) {
		t.Fatal("the snapshot contains a secret's value")
	}
	if len(snap.Secrets) != 1 || snap.Secrets[0].Name != "db" || snap.Secrets[0].Type != "Opaque" {
		t.Errorf("secrets = %+v, want legacy/db of type Opaque", snap.Secrets)
	} else if s := snap.Secrets[0]; len(s.Annotations)+len(s.Labels) > 0 {
		// kapp's, Argo CD's and Helm's marks are not among the metadata a check reads.
		t.Errorf("secret legacy/db kept annotations %v and labels %v, want none", s.Annotations, s.Labels)
	}
	for _, p := range snap.Pods {
		if len(p.ManagedFields) > 0 {
			t.Fatalf("pod %s/%s kept managedFields", p.Namespace, p.Name)
		}
	}

	// The exact findings on the estate.
	rep := checks.Run(snap, checks.Registered(), checks.Selection{})
	diffVerdicts(t, verdicts(rep), estateVerdicts(checks.NotEvaluated))
	// Each node says why it was not evaluated: the API server's answer to the proxy request.
	for _, c := range rep.Controls {
		if c.Layer != checks.Node {
			continue
		}
		for _, r := range c.Results {
			if r.Status == checks.NotEvaluated && r.Reason == "" {
				t.Errorf("%s %s: NOT_EVALUATED without a reason", c.ID, r.Resource)
			}
		}
	}
}

// estateVerdicts is every result the built-in controls give on the estate collected by the
// admin. nodeStatus is what the kubelet checks say: NOT_EVALUATED, as no kubelet runs.
func estateVerdicts(nodeStatus checks.Status) map[string]checks.Status {
	const (
		pass = checks.Pass
		fail = checks.Fail
		warn = checks.Warn
		na   = checks.NotApplicable
	)
	apiserver := "Component/kube-system/kube-apiserver-cp-1"
	v := map[string]checks.Status{
		"KP-CP-001 " + apiserver: pass,
		"KP-CP-002 " + apiserver: pass,
		"KP-CP-003 " + apiserver: pass,
		"KP-CP-004 " + apiserver: pass,
		"KP-CP-005 " + apiserver: pass,
	}
	addControlPlaneVerdicts(v)
	// configz fails alike on both nodes (no kubelet runs), so each node control gives one
	// result for the pair (grouped: checks/node/group.go).
	for i := 1; i <= 15; i++ {
		v[fmt.Sprintf("KP-NODE-%03d NodeGroup/cp-1 and 1 more", i)] = nodeStatus
	}
	v["KP-NODE-016 NodeGroup/cp-1 and 1 more"] = checks.NotEvaluated // no kubelet version reported
	v["KP-NODE-017 NodeGroup/cp-1 and 1 more"] = fail                // never reported Ready
	v["KP-NODE-018 NodeGroup/cp-1 and 1 more"] = checks.NotEvaluated
	v["KP-NODE-019 Cluster"] = na // no kube-proxy pod
	for i := 20; i <= 51; i++ {
		v[fmt.Sprintf("KP-NODE-%03d Cluster", i)] = checks.NotEvaluated // no node report merged
	}
	controlPlanePods := []string{"etcd-cp-1", "kube-apiserver-cp-1", "kube-controller-manager-cp-1", "kube-scheduler-cp-1"}
	for _, p := range controlPlanePods {
		// hostNetwork and hostPath: as kubeadm's static pods really are.
		v["KP-WL-001 Pod/kube-system/"+p] = fail
		v["KP-WL-002 Pod/kube-system/"+p] = fail
		v["KP-WL-003 Pod/kube-system/"+p] = pass
	}
	for id, st := range map[string][3]checks.Status{
		"KP-WL-001": {pass, fail, pass}, // baseline: web, admin-tool, nightly-report
		"KP-WL-002": {pass, fail, fail}, // restricted: the report runs as root
		"KP-WL-003": {pass, fail, pass}, // secrets in env: admin-tool's DB_PASSWORD
	} {
		v[id+" Deployment/shop/web"] = st[0]
		v[id+" Deployment/legacy/admin-tool"] = st[1]
		v[id+" CronJob/batch/nightly-report"] = st[2]
	}
	// Service accounts and secrets: no workload names a service account; the mirror pods
	// cannot; the only secret is Opaque; no config map or env value holds a secret.
	for _, p := range controlPlanePods {
		v["KP-WL-040 Pod/kube-system/"+p] = na
		v["KP-WL-043 Pod/kube-system/"+p] = pass
	}
	for _, w := range []string{"Deployment/shop/web", "Deployment/legacy/admin-tool", "CronJob/batch/nightly-report"} {
		v["KP-WL-040 "+w] = fail
		v["KP-WL-043 "+w] = pass
	}
	v["KP-WL-041 Cluster"] = pass
	v["KP-WL-042 Cluster"] = pass
	// Pod Security admission: only shop enforces a level (restricted, latest), which its
	// Deployment meets; every other namespace enforces nothing, kube-system warns. The test
	// API server sets no --admission-control-config-file: the plugin's built-in
	// configuration, which exempts nothing.
	for _, w := range append([]string{"Deployment/shop/web", "Deployment/legacy/admin-tool", "CronJob/batch/nightly-report"},
		"Pod/kube-system/etcd-cp-1", "Pod/kube-system/kube-apiserver-cp-1", "Pod/kube-system/kube-controller-manager-cp-1", "Pod/kube-system/kube-scheduler-cp-1") {
		v["KP-WL-004 "+w] = pass
	}
	for _, ns := range []string{"default", "kube-public", "kube-node-lease", "empty", "legacy", "batch"} {
		v["KP-WL-005 Namespace/"+ns] = fail
		v["KP-WL-006 Namespace/"+ns] = na
	}
	v["KP-WL-005 Namespace/kube-system"], v["KP-WL-006 Namespace/kube-system"] = warn, na
	v["KP-WL-005 Namespace/shop"], v["KP-WL-006 Namespace/shop"] = pass, pass
	v["KP-WL-007 AdmissionConfiguration/kube-apiserver without --admission-control-config-file"] = pass
	// Images and resources: web is pinned by digest and read-only, sets no resources; the
	// admin tool runs :latest; the report a version tag. The static pods run version tags,
	// mount the node's credentials (/etc/kubernetes/pki) and set no limits.
	for w, st := range map[string][6]checks.Status{ // 020, 022, 023, 024, 025, 026
		"Deployment/shop/web":          {pass, pass, fail, pass, pass, pass},
		"Deployment/legacy/admin-tool": {fail, pass, fail, fail, pass, pass},
		"CronJob/batch/nightly-report": {warn, pass, fail, fail, pass, pass},
	} {
		for i, id := range []string{"020", "022", "023", "024", "025", "026"} {
			v["KP-WL-"+id+" "+w] = st[i]
		}
	}
	for _, p := range controlPlanePods {
		for i, id := range []string{"020", "022", "023", "024", "025", "026"} {
			v["KP-WL-"+id+" Pod/kube-system/"+p] = [6]checks.Status{warn, pass, fail, fail, pass, fail}[i]
		}
	}
	// One control per CIS 5.2 recommendation (and 5.6.2), and the NSA/CISA areas: web is
	// restricted and read-only but sets no runAsGroup; the admin tool is privileged on the host
	// network; the report and the static pods set no security context at all (the runtime's
	// default capabilities, NET_RAW among them; the image's user; escalation allowed), and the
	// static pods mount /etc/kubernetes/pki from the host on the host network.
	for w, st := range map[string][14]checks.Status{
		// 008 009 010 011 012 013 014 015 016 017 018 019 027 029
		"Deployment/shop/web":          {pass, pass, pass, pass, pass, pass, pass, pass, pass, pass, pass, pass, pass, fail},
		"Deployment/legacy/admin-tool": {fail, pass, pass, fail, fail, fail, fail, fail, pass, pass, pass, fail, pass, fail},
		"CronJob/batch/nightly-report": {pass, pass, pass, pass, fail, fail, fail, fail, pass, pass, pass, fail, pass, fail},
	} {
		for i, id := range []string{"008", "009", "010", "011", "012", "013", "014", "015", "016", "017", "018", "019", "027", "029"} {
			v["KP-WL-"+id+" "+w] = st[i]
		}
	}
	for _, p := range controlPlanePods {
		for i, id := range []string{"008", "009", "010", "011", "012", "013", "014", "015", "016", "017", "018", "019", "027", "029"} {
			v["KP-WL-"+id+" Pod/kube-system/"+p] = [14]checks.Status{pass, pass, pass, fail, fail, fail, fail, fail, pass, fail, pass, fail, pass, fail}[i]
		}
	}
	// No container sets a CPU or memory limit (C-0270, C-0271).
	for _, w := range append([]string{"Deployment/shop/web", "Deployment/legacy/admin-tool", "CronJob/batch/nightly-report"},
		"Pod/kube-system/etcd-cp-1", "Pod/kube-system/kube-apiserver-cp-1", "Pod/kube-system/kube-controller-manager-cp-1", "Pod/kube-system/kube-scheduler-cp-1") {
		v["KP-WL-030 "+w], v["KP-WL-031 "+w] = fail, fail
	}
	// CIS 5.2.1: shop enforces baseline; legacy and batch hold workloads and enforce nothing,
	// with no policy webhook; default and empty hold none; the kube-* namespaces are the
	// cluster's own.
	for ns, st := range map[string]checks.Status{"shop": pass, "legacy": fail, "batch": fail, "default": na, "empty": na,
		"kube-system": na, "kube-public": na, "kube-node-lease": na} {
		v["KP-WL-028 Namespace/"+ns] = st
	}
	v["KP-WL-021 Cluster"] = checks.NotEvaluated // no --allowed-registries given
	v["KP-WL-060 Cluster"] = checks.NotEvaluated // images not scanned (no --scan-images)
	for ns, st := range map[string]checks.Status{
		"default": na, "kube-public": na, "kube-node-lease": na, "empty": na,
		"kube-system": fail, "shop": pass, "legacy": fail, "batch": fail,
	} {
		v["KP-NET-001 Namespace/"+ns] = st
	}
	v["KP-NET-002 Service/default/kubernetes"] = pass
	v["KP-NET-002 Service/shop/web"] = pass
	v["KP-NET-002 Service/legacy/admin-lb"] = fail
	v["KP-NET-002 Service/legacy/admin-nodeport"] = warn
	v["KP-NET-003 Ingress/shop/web"] = pass
	v["KP-NET-003 Ingress/legacy/admin"] = fail
	addNetworkVerdicts(v)
	return v
}

// TestPaging collects with pages of two objects: the continue tokens of a real server must
// bring back exactly what one big page does.
func TestPaging(t *testing.T) {
	full := collectAs(t, "", collect.Options{SkipKubelet: true})
	paged := collectAs(t, "", collect.Options{PageSize: 2, SkipKubelet: true})
	for r, c := range full.Resources {
		if paged.Resources[r] != c {
			t.Errorf("resources[%s]: paged %+v, unpaged %+v", r, paged.Resources[r], c)
		}
	}
	if len(paged.Pods) != len(full.Pods) || len(paged.ClusterRoles) != len(full.ClusterRoles) {
		t.Errorf("paged list lost objects: pods %d/%d, clusterroles %d/%d", len(paged.Pods), len(full.Pods), len(paged.ClusterRoles), len(full.ClusterRoles))
	}
}

// TestForbiddenKinds collects as a user who may read everything but secrets, network
// policies and the node proxy. Those are recorded as forbidden, the checks that need them
// are NOT_EVALUATED (never PASS), and every other verdict is the admin's.
func TestForbiddenKinds(t *testing.T) {
	cs, _ := cluster.Client()
	ctx := context.Background()
	const user = "limited-auditor"
	role := &rbacv1.ClusterRole{
		ObjectMeta: metav1.ObjectMeta{Name: "limited-auditor"},
		Rules: []rbacv1.PolicyRule{
			{APIGroups: []string{""}, Resources: []string{"pods", "nodes", "namespaces", "serviceaccounts", "configmaps", "services"}, Verbs: []string{"get", "list"}},
			{APIGroups: []string{"apps"}, Resources: []string{"deployments", "statefulsets", "daemonsets", "replicasets"}, Verbs: []string{"get", "list"}},
			{APIGroups: []string{"batch"}, Resources: []string{"jobs", "cronjobs"}, Verbs: []string{"get", "list"}},
			{APIGroups: []string{"rbac.authorization.k8s.io"}, Resources: []string{"roles", "clusterroles", "rolebindings", "clusterrolebindings"}, Verbs: []string{"get", "list"}},
			{APIGroups: []string{"networking.k8s.io"}, Resources: []string{"ingresses"}, Verbs: []string{"get", "list"}},
			{APIGroups: []string{"admissionregistration.k8s.io"}, Resources: []string{"validatingwebhookconfigurations", "mutatingwebhookconfigurations"}, Verbs: []string{"get", "list"}},
		},
	}
	if _, err := cs.RbacV1().ClusterRoles().Create(ctx, role, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.RbacV1().ClusterRoleBindings().Create(ctx, &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "limited-auditor"},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role.Name},
		Subjects:   []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: "User", Name: user}},
	}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	waitAllowed(t, user)

	snap := collectAs(t, user, collect.Options{})
	for _, r := range []snapshot.Resource{snapshot.ResSecrets, snapshot.ResNetworkPolicies, snapshot.ResKubeletConfigs} {
		if got := snap.Resources[r].State; got != snapshot.Forbidden {
			t.Errorf("resources[%s].state = %q, want forbidden", r, got)
		}
	}
	rep := checks.Run(snap, checks.Registered(), checks.Selection{})
	got := verdicts(rep)
	want := estateVerdicts(checks.NotEvaluated)
	// The API server's refusal names the node, so the nodes' kubelet results are not grouped.
	for i := 1; i <= 15; i++ {
		id := fmt.Sprintf("KP-NODE-%03d", i)
		delete(want, id+" NodeGroup/cp-1 and 1 more")
		want[id+" Node/cp-1"], want[id+" Node/worker-1"] = checks.NotEvaluated, checks.NotEvaluated
	}
	// Without network policies, 5.3.2 (KP-NET-017) cannot say anything about any namespace,
	// nor can any control built on the NetworkPolicy engine about any workload.
	for _, id := range []string{"KP-NET-001", "KP-NET-004", "KP-NET-005", "KP-NET-006", "KP-NET-007",
		"KP-NET-008", "KP-NET-009", "KP-NET-010", "KP-NET-011", "KP-NET-017", "KP-NET-018"} {
		for k := range want {
			if strings.HasPrefix(k, id+" ") {
				delete(want, k)
			}
		}
		want[id+" Cluster"] = checks.NotEvaluated
	}
	// The escalation paths read secrets' metadata (legacy token secrets are a step).
	want["KP-RBAC-015 Cluster"] = checks.NotEvaluated
	want["KP-WL-041 Cluster"] = checks.NotEvaluated // legacy token secrets: never PASS unseen
	diffVerdicts(t, got, want)
	for _, c := range rep.Controls {
		if c.ID == "KP-NET-001" && !strings.Contains(c.Results[0].Reason, "forbidden") {
			t.Errorf("KP-NET-001 reason %q does not say the input was forbidden", c.Results[0].Reason)
		}
	}
}

// waitAllowed waits for the RBAC authorizer's cache to see a new binding.
func waitAllowed(t *testing.T, user string) {
	t.Helper()
	cfg, err := cluster.UserConfig(user)
	if err != nil {
		t.Fatal(err)
	}
	cs := kubernetes.NewForConfigOrDie(cfg)
	for i := 0; i < 100; i++ {
		if _, err := cs.CoreV1().Pods("").List(context.Background(), metav1.ListOptions{Limit: 1}); err == nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("user %s still cannot list pods", user)
}

// TestInsecureAPIServer starts a second, deliberately insecure API server (anonymous
// requests served, profiling on, no Node authorizer) and audits the flags it really runs
// with. Each weakness is first shown to be live on the server, so that the checks are judged
// against the truth and not against the flags alone.
func TestInsecureAPIServer(t *testing.T) {
	ctx := context.Background()
	insecure, err := testcluster.Start(ctx, testcluster.Options{APIServerFlags: []string{
		"--anonymous-auth=true", "--authorization-mode=RBAC", "--profiling=true"}})
	if err != nil {
		t.Fatal(err)
	}
	defer insecure.Stop()

	// Anonymous: a request without credentials is authenticated as system:anonymous and
	// served (/version is open to system:unauthenticated through system:public-info-viewer).
	anon := rest.CopyConfig(insecure.Admin)
	anon.BearerToken = ""
	if _, err := kubernetes.NewForConfigOrDie(anon).Discovery().ServerVersion(); err != nil {
		t.Fatalf("anonymous /version on the insecure server: %v (want it served)", err)
	}
	// Profiling: the pprof handlers are mounted only with --profiling.
	admin := kubernetes.NewForConfigOrDie(insecure.Admin)
	if _, err := admin.CoreV1().RESTClient().Get().AbsPath("/debug/pprof/").DoRaw(ctx); err != nil {
		t.Fatalf("/debug/pprof/ on the insecure server: %v (want it served)", err)
	}
	if err := estate.Seed(ctx, admin, insecure.APIServerArgs); err != nil {
		t.Fatal(err)
	}
	snap, err := collect.Collect(ctx, insecure.Admin, collect.Options{SkipKubelet: true})
	if err != nil {
		t.Fatal(err)
	}
	sel := checks.Selection{Layers: []checks.Layer{checks.ControlPlane}}
	selected, err := sel.Select(checks.Registered())
	if err != nil {
		t.Fatal(err)
	}
	rep := checks.Run(snap, selected, sel)
	apiserver := "Component/kube-system/kube-apiserver-cp-1"
	want := map[string]checks.Status{
		"KP-CP-001 " + apiserver: checks.Fail, // anonymous auth on
		"KP-CP-002 " + apiserver: checks.Pass, // RBAC only: no AlwaysAllow
		"KP-CP-003 " + apiserver: checks.Fail, // no Node authorizer
		"KP-CP-004 " + apiserver: checks.Pass,
		"KP-CP-005 " + apiserver: checks.Fail, // profiling on
	}
	addControlPlaneVerdicts(want) // the other flags are the test cluster's defaults
	diffVerdicts(t, verdicts(rep), want)
}

// addControlPlaneVerdicts adds the verdicts of KP-CP-006 onward on the estate's control plane:
// the test cluster's kube-apiserver flags (internal/testcluster) and the seeded controller
// manager, scheduler and etcd command lines (internal/estate).
func addControlPlaneVerdicts(v map[string]checks.Status) {
	const (
		apiserver = "Component/kube-system/kube-apiserver-cp-1"
		kcm       = "Component/kube-system/kube-controller-manager-cp-1"
		sched     = "Component/kube-system/kube-scheduler-cp-1"
		etcd      = "Component/kube-system/etcd-cp-1"
	)
	for id, st := range map[string]checks.Status{
		"KP-CP-006": checks.Fail,          // --token-auth-file: the harness's admin token
		"KP-CP-007": checks.Fail,          // DenyServiceExternalIPs is default-off
		"KP-CP-008": checks.Fail,          // no kubelet client certificate
		"KP-CP-009": checks.Fail,          // no kubelet CA
		"KP-CP-010": checks.Fail,          // EventRateLimit is default-off
		"KP-CP-011": checks.Pass,          // AlwaysAdmit is default-off
		"KP-CP-012": checks.Fail,          // AlwaysPullImages is default-off
		"KP-CP-013": checks.Pass,          // ServiceAccount is default-on
		"KP-CP-014": checks.Pass,          // NamespaceLifecycle is default-on
		"KP-CP-015": checks.Pass,          // NodeRestriction enabled
		"KP-CP-016": checks.Fail,          // no audit log
		"KP-CP-017": checks.NotApplicable, // rotation: no audit log file
		"KP-CP-018": checks.NotApplicable,
		"KP-CP-019": checks.NotApplicable,
		"KP-CP-020": checks.Pass, // service-account-lookup defaults to true
		"KP-CP-021": checks.Pass,
		"KP-CP-022": checks.Fail, // etcd over plain HTTP
		"KP-CP-023": checks.Pass,
		"KP-CP-024": checks.Pass,
		"KP-CP-025": checks.Fail,
		"KP-CP-026": checks.Fail,   // no encryption config
		"KP-CP-027": checks.Fail,   // Go default cipher suites
		"KP-CP-028": checks.Fail,   // token expiration extension defaults to true
		"KP-CP-044": checks.Fail,   // no audit policy
		"KP-CP-045": checks.Fail,   // no --encryption-provider-config: identity
		"KP-CP-046": checks.Fail,   // no --audit-policy-file
		"KP-CP-049": checks.Manual, // request timeout: for the operators to judge
		"KP-CP-051": checks.Pass,   // PodSecurity admission: default-on
	} {
		v[id+" "+apiserver] = st
	}
	for id, st := range map[string]checks.Status{
		"KP-CP-029": checks.Pass, "KP-CP-030": checks.Pass,
		"KP-CP-031": checks.Fail, "KP-CP-032": checks.Fail, // key and root CA files not in the seeded command line
		"KP-CP-033": checks.Pass, // RotateKubeletServerCertificate defaults to true
		"KP-CP-034": checks.Pass,
		"KP-CP-050": checks.Fail, // --terminated-pod-gc-threshold not set (CIS 1.3.1 asks for it)
	} {
		v[id+" "+kcm] = st
	}
	v["KP-CP-035 "+sched] = checks.Pass
	v["KP-CP-036 "+sched] = checks.Pass
	// RBAC: the estate binds edit to legacy/default (RoleBinding legacy/admin-tool-edit), and
	// edit (aggregated from the bootstrap aggregate-to-edit roles) reads secrets, creates pods
	// and tokens and impersonates service accounts in legacy; nothing in legacy is more
	// powerful, so there is no escalation path.
	for id, st := range map[string]checks.Status{
		"KP-RBAC-001 Cluster": checks.Pass, "KP-RBAC-003 Cluster": checks.Pass,
		"KP-RBAC-007 Cluster": checks.Manual, // system:masters certificates are not visible
		"KP-RBAC-009 Cluster": checks.Pass, "KP-RBAC-010 Cluster": checks.Pass, "KP-RBAC-011 Cluster": checks.Pass,
		"KP-RBAC-012 Cluster": checks.Pass, "KP-RBAC-014 Cluster": checks.Pass, "KP-RBAC-015 Cluster": checks.Pass,
		"KP-RBAC-016 Cluster": checks.Pass,
		"KP-RBAC-017 Cluster": checks.Pass, // Kubernetes' own grants to every service account only
		// No encryption configuration: the API server records no transformation of secrets.
		"KP-CP-047 Cluster": checks.NotEvaluated,
		"KP-CP-048 Cluster": checks.NotEvaluated, // the anonymous probe is opt-in
		"KP-RBAC-002 RoleBinding/legacy/admin-tool-edit": checks.Warn,
		"KP-RBAC-004 RoleBinding/legacy/admin-tool-edit": checks.Warn,
		"KP-RBAC-008 RoleBinding/legacy/admin-tool-edit": checks.Warn, // edit impersonates serviceaccounts
		"KP-RBAC-013 RoleBinding/legacy/admin-tool-edit": checks.Warn,
		"KP-RBAC-005 ServiceAccount/legacy/default":      checks.Fail, // bound to edit
		// Mounted token, and the batch/default account has no binding of its own (the pod
		// is reported as its top-level workload).
		"KP-RBAC-006 CronJob/batch/nightly-report": checks.Warn,
	} {
		v[id] = st
	}
	for _, ns := range []string{"batch", "default", "empty", "kube-system", "shop"} {
		v["KP-RBAC-005 ServiceAccount/"+ns+"/default"] = checks.Warn // automount left on
	}
	for id, st := range map[string]checks.Status{
		"KP-CP-037": checks.Fail, "KP-CP-038": checks.Pass, "KP-CP-039": checks.Pass,
		"KP-CP-040": checks.Fail, "KP-CP-041": checks.Fail, // peer-client-cert-auth defaults to false
		"KP-CP-042": checks.Pass, "KP-CP-043": checks.Fail, // no --trusted-ca-file
	} {
		v[id+" "+etcd] = st
	}
}

// addNetworkVerdicts adds the verdicts of KP-NET-004 onward on the estate: shop denies both
// ways by default and lets web talk to the ingress controller and DNS only; legacy and batch
// have no policy; kube-system's control plane runs on the host network; legacy's node port
// has an external IP while DenyServiceExternalIPs is off; legacy's ingress has a wildcard host;
// no network plugin runs.
func addNetworkVerdicts(v map[string]checks.Status) {
	const (
		pass = checks.Pass
		fail = checks.Fail
		warn = checks.Warn
		na   = checks.NotApplicable
	)
	for ns, st := range map[string]checks.Status{
		"default": na, "kube-public": na, "kube-node-lease": na, "empty": na,
		"kube-system": fail, "shop": pass, "legacy": fail, "batch": fail,
	} {
		v["KP-NET-004 Namespace/"+ns] = st
	}
	for _, p := range []string{"default-deny", "web"} {
		v["KP-NET-005 NetworkPolicy/shop/"+p] = pass
		v["KP-NET-006 NetworkPolicy/shop/"+p] = pass
	}
	workloads := []string{"Deployment/shop/web", "Deployment/legacy/admin-tool", "CronJob/batch/nightly-report"}
	for id, st := range map[string][3]checks.Status{
		"KP-NET-007": {pass, fail, fail}, // metadata: shop denies egress
		"KP-NET-008": {pass, na, na},     // isolated like the rest of shop; no policy elsewhere
		"KP-NET-009": {pass, fail, fail}, // web only from the ingress controller
		"KP-NET-010": {pass, warn, warn}, // internet
		"KP-NET-011": {pass, warn, warn}, // API server
		"KP-NET-012": {pass, fail, pass}, // admin-tool runs on the host network
	} {
		for i, w := range workloads {
			v[id+" "+w] = st[i]
		}
	}
	for _, p := range []string{"etcd-cp-1", "kube-apiserver-cp-1", "kube-controller-manager-cp-1", "kube-scheduler-cp-1"} {
		// hostNetwork static pods: no policy applies to them.
		for id, st := range map[string]checks.Status{"KP-NET-007": fail, "KP-NET-008": na, "KP-NET-009": fail,
			"KP-NET-010": warn, "KP-NET-011": warn, "KP-NET-012": fail} {
			v[id+" Pod/kube-system/"+p] = st
		}
	}
	// CIS 5.3.2: only shop defines NetworkPolicies; every other namespace, empty or not, fails.
	for _, ns := range []string{"default", "kube-public", "kube-node-lease", "empty", "kube-system", "legacy", "batch"} {
		v["KP-NET-017 Namespace/"+ns] = fail
	}
	v["KP-NET-017 Namespace/shop"] = pass
	// C-0030: web is isolated both ways by shop's default deny; nothing isolates the others,
	// and nothing can isolate the host-network pods.
	v["KP-NET-018 Deployment/shop/web"] = pass
	v["KP-NET-018 Deployment/legacy/admin-tool"] = fail
	v["KP-NET-018 CronJob/batch/nightly-report"] = fail
	for _, p := range []string{"etcd-cp-1", "kube-apiserver-cp-1", "kube-controller-manager-cp-1", "kube-scheduler-cp-1"} {
		v["KP-NET-018 Pod/kube-system/"+p] = fail
	}
	for _, svc := range []string{"default/kubernetes", "shop/web", "legacy/admin-lb"} {
		v["KP-NET-013 Service/"+svc] = pass
	}
	v["KP-NET-013 Service/legacy/admin-nodeport"] = fail
	v["KP-NET-014 Ingress/shop/web"] = pass
	v["KP-NET-014 Ingress/legacy/admin"] = warn
	v["KP-NET-015 Cluster"] = na
	// No network plugin's DaemonSet (the test cluster runs none) and no plugin's API: the
	// plugin in use is not recognised, for a person to confirm (CIS 5.3.1).
	v["KP-NET-019 Cluster"] = checks.Manual
}

// The API server itself confirms each row of snapshot.CollectedKinds: it serves the kind
// under the row's resource name, group and version, at the row's scope; and the collector
// lists every row, recording as many objects as it stores.
func TestCollectedKindsAsServed(t *testing.T) {
	cs, err := cluster.Client()
	if err != nil {
		t.Fatal(err)
	}
	snap := collectAs(t, "", collect.Options{SkipKubelet: true})
	for _, k := range snapshot.CollectedKinds {
		rl, err := cs.Discovery().ServerResourcesForGroupVersion(k.GVK.GroupVersion().String())
		if err != nil {
			t.Errorf("%s: discovery of %s: %v", k.Resource, k.GVK.GroupVersion(), err)
			continue
		}
		var served *metav1.APIResource
		for i := range rl.APIResources {
			if rl.APIResources[i].Name == k.Plural() {
				served = &rl.APIResources[i]
			}
		}
		if served == nil || served.Kind != k.GVK.Kind || served.Namespaced != k.Namespaced || !slices.Contains(served.Verbs, "list") {
			t.Errorf("%s: the server serves %+v, want kind %s, namespaced %v, listable", k.Resource, served, k.GVK.Kind, k.Namespaced)
		}
		if c := snap.Resources[k.Resource]; c.State != snapshot.Collected || c.Count != k.Len(snap) {
			t.Errorf("%s: resources %+v with %d objects stored, want collected with as many", k.Resource, c, k.Len(snap))
		}
	}
}

// The listers' hooks on a real list: a node is kept without its image list, a pod without its
// conditions and with its container statuses reduced to the running image.
func TestCollectTrims(t *testing.T) {
	ctx := context.Background()
	cs, err := cluster.Client()
	if err != nil {
		t.Fatal(err)
	}
	nodes, err := cs.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil || len(nodes.Items) == 0 {
		t.Fatalf("nodes: %v (%d)", err, len(nodes.Items))
	}
	node := nodes.Items[0]
	node.Status.Images = []corev1.ContainerImage{{Names: []string{"registry.example/app:1"}, SizeBytes: 1 << 20}}
	if _, err := cs.CoreV1().Nodes().UpdateStatus(ctx, &node, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	pods, err := cs.CoreV1().Pods("").List(ctx, metav1.ListOptions{})
	if err != nil || len(pods.Items) == 0 {
		t.Fatalf("pods: %v (%d)", err, len(pods.Items))
	}
	pod := pods.Items[0]
	pod.Status.Conditions = append(pod.Status.Conditions, corev1.PodCondition{Type: "Example", Status: corev1.ConditionTrue, Message: "set by the test"})
	pod.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: pod.Spec.Containers[0].Name, Image: "app:1", ImageID: "registry.example/app@sha256:1", RestartCount: 4}}
	if _, err := cs.CoreV1().Pods(pod.Namespace).UpdateStatus(ctx, &pod, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}

	snap := collectAs(t, "", collect.Options{SkipKubelet: true})
	for _, n := range snap.Nodes {
		if len(n.Status.Images) > 0 {
			t.Errorf("node %s kept its image list", n.Name)
		}
	}
	found := false
	for _, p := range snap.Pods {
		if len(p.Status.Conditions) > 0 {
			t.Errorf("pod %s/%s kept its conditions", p.Namespace, p.Name)
		}
		if p.Namespace == pod.Namespace && p.Name == pod.Name {
			found = true
			want := []corev1.ContainerStatus{{Name: pod.Spec.Containers[0].Name, Image: "app:1", ImageID: "registry.example/app@sha256:1"}}
			if !reflect.DeepEqual(p.Status.ContainerStatuses, want) {
				t.Errorf("pod %s/%s container statuses %+v, want %+v", p.Namespace, p.Name, p.Status.ContainerStatuses, want)
			}
		}
	}
	if !found {
		t.Errorf("pod %s/%s not collected", pod.Namespace, pod.Name)
	}
}
