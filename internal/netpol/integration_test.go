package netpol_test

import (
	"context"
	"net/netip"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"sigs.k8s.io/yaml"

	"github.com/kubeposture/kubeposture/checks"
	_ "github.com/kubeposture/kubeposture/checks/builtin"
	"github.com/kubeposture/kubeposture/collect"
	"github.com/kubeposture/kubeposture/internal/netpol"
	"github.com/kubeposture/kubeposture/internal/testcluster"
	"github.com/kubeposture/kubeposture/snapshot"
)

// One real API server serves the tests of this file: the policies are created through it, so
// that they passed its validation and defaulting, and read back by the collector.
var cluster *testcluster.Cluster

func TestMain(m *testing.M) {
	os.Exit(testcluster.RunTests(m, &cluster, testcluster.Options{}, nil))
}

// apply creates namespaces, pods (with the IPs a kubelet would report, set through the status
// subresource) and policies.
type apply struct {
	t   *testing.T
	ctx context.Context
	cs  kubernetes.Interface
}

func (a *apply) namespace(name string, labels map[string]string) {
	a.t.Helper()
	if _, err := a.cs.CoreV1().Namespaces().Create(a.ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}}, metav1.CreateOptions{}); err != nil {
		a.t.Fatal(err)
	}
	// The ServiceAccount admission plugin needs the default service account, which the
	// controller manager would create.
	if _, err := a.cs.CoreV1().ServiceAccounts(name).Create(a.ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "default"}}, metav1.CreateOptions{}); err != nil {
		a.t.Fatal(err)
	}
}

func (a *apply) pod(ns, name, ip string, labels map[string]string, ports ...corev1.ContainerPort) {
	a.t.Helper()
	p, err := a.cs.CoreV1().Pods(ns).Create(a.ctx, &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels},
		Spec:       corev1.PodSpec{NodeName: "n1", Containers: []corev1.Container{{Name: "c", Image: "registry.example.com/app:1", Ports: ports}}},
	}, metav1.CreateOptions{})
	if err != nil {
		a.t.Fatal(err)
	}
	p.Status.PodIP, p.Status.PodIPs = ip, []corev1.PodIP{{IP: ip}}
	if _, err := a.cs.CoreV1().Pods(ns).UpdateStatus(a.ctx, p, metav1.UpdateOptions{}); err != nil {
		a.t.Fatal(err)
	}
}

func (a *apply) policy(doc string) *networkingv1.NetworkPolicy {
	a.t.Helper()
	np, err := a.create(doc)
	if err != nil {
		a.t.Fatalf("create policy: %v\n%s", err, doc)
	}
	return np
}

func (a *apply) create(doc string) (*networkingv1.NetworkPolicy, error) {
	var np networkingv1.NetworkPolicy
	if err := yaml.UnmarshalStrict([]byte(strings.ReplaceAll(doc, "\t", "  ")), &np); err != nil {
		a.t.Fatalf("policy YAML: %v", err)
	}
	return a.cs.NetworkingV1().NetworkPolicies(np.Namespace).Create(a.ctx, &np, metav1.CreateOptions{})
}

func TestServerValidatedPolicies(t *testing.T) {
	ctx := context.Background()
	cs, err := cluster.Client()
	if err != nil {
		t.Fatal(err)
	}
	a := &apply{t: t, ctx: ctx, cs: cs}
	a.namespace("front", map[string]string{"team": "web"})
	a.namespace("back", map[string]string{"team": "data"})
	a.pod("front", "web", "10.244.1.10", map[string]string{"app": "web"})
	a.pod("front", "admin", "10.244.1.11", map[string]string{"app": "admin"})
	a.pod("back", "db", "10.244.2.10", map[string]string{"app": "db"},
		corev1.ContainerPort{Name: "pg", ContainerPort: 5432, Protocol: corev1.ProtocolTCP})
	a.pod("back", "cache", "10.244.2.11", map[string]string{"app": "cache"})

	// The server defaults policyTypes as the API reference says: Ingress always, Egress when
	// there are egress rules; `egress: []` is no egress rule.
	for _, tc := range []struct {
		doc  string
		want string
	}{
		{`
metadata: {name: default-ingress, namespace: back}
spec: {podSelector: {}}`, "Ingress"},
		{`
metadata: {name: empty-egress-list, namespace: back}
spec: {podSelector: {matchLabels: {app: none}}, egress: []}`, "Ingress"},
		{`
metadata: {name: with-egress, namespace: front}
spec:
	podSelector: {matchLabels: {app: web}}
	egress:
	- to: [{namespaceSelector: {matchLabels: {team: data}}, podSelector: {matchLabels: {app: db}}}]
		ports: [{port: pg}]
	- to: [{ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8, 169.254.0.0/16]}}]
		ports: [{port: 443}]`, "Ingress,Egress"},
	} {
		np := a.policy(tc.doc)
		var got []string
		for _, pt := range np.Spec.PolicyTypes {
			got = append(got, string(pt))
		}
		if strings.Join(got, ",") != tc.want {
			t.Errorf("%s: server set policyTypes %v, want %s", np.Name, got, tc.want)
		}
		types := netpol.EffectiveTypes(&np.Spec)
		if len(types) != len(got) {
			t.Errorf("%s: EffectiveTypes %v disagrees with the server's %v", np.Name, types, got)
		}
	}
	a.policy(`
metadata: {name: db, namespace: back}
spec:
	podSelector: {matchLabels: {app: db}}
	ingress:
	- from: [{namespaceSelector: {matchLabels: {team: web}}, podSelector: {matchLabels: {app: web}}}]
		ports: [{port: pg}]
	- from: [{ipBlock: {cidr: 192.0.2.0/24, except: [192.0.2.128/25]}}]
		ports: [{port: 5000, endPort: 5010}]`)

	// Policies the server refuses never reach a snapshot: the engine's assumptions hold.
	for name, doc := range map[string]string{
		"endPort with a named port": `
metadata: {name: bad1, namespace: back}
spec: {podSelector: {}, ingress: [{ports: [{port: pg, endPort: 5440}]}]}`,
		"except outside the cidr": `
metadata: {name: bad2, namespace: back}
spec: {podSelector: {}, ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/24, except: [10.1.0.0/24]}}]}]}`,
		"ipBlock with a selector": `
metadata: {name: bad3, namespace: back}
spec: {podSelector: {}, ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/24}, podSelector: {}}]}]}`,
		"endPort below port": `
metadata: {name: bad4, namespace: back}
spec: {podSelector: {}, ingress: [{ports: [{port: 5000, endPort: 4000}]}]}`,
	} {
		if _, err := a.create(doc); !apierrors.IsInvalid(err) {
			t.Errorf("%s: server answered %v, want a validation error", name, err)
		}
	}

	snap, err := collect.Collect(ctx, cluster.Admin, collect.Options{SkipKubelet: true})
	if err != nil {
		t.Fatal(err)
	}
	e := netpol.New(snap.Pods, snap.Namespaces, snap.NetworkPolicies)
	if len(e.Problems) > 0 {
		t.Fatalf("engine problems on server-validated policies: %v", e.Problems)
	}
	pod := func(ns, name string) netpol.Endpoint {
		ep, ok := e.PodEndpoint(ns, name)
		if !ok {
			t.Fatalf("pod %s/%s not in the snapshot", ns, name)
		}
		return ep
	}
	addr := func(s string) netpol.Endpoint { return netpol.AddrEndpoint(netip.MustParseAddr(s)) }
	for _, f := range []struct {
		name     string
		src, dst netpol.Endpoint
		port     int32
		allowed  bool
		by       string
	}{
		{"web to db on the named port pg", pod("front", "web"), pod("back", "db"), 5432, true, "back/db spec.ingress[0]"},
		{"web to db on another port", pod("front", "web"), pod("back", "db"), 5433, false, "front/with-egress"},
		{"admin is not web: ANDed selectors", pod("front", "admin"), pod("back", "db"), 5432, false, "isolated for Ingress by back/db, back/default-ingress"},
		{"web to cache: egress allows only db", pod("front", "web"), pod("back", "cache"), 5432, false, "isolated for Egress by front/with-egress"},
		{"admin to cache: default deny ingress in back", pod("front", "admin"), pod("back", "cache"), 80, false, "back/default-ingress"},
		// with-egress has no ingress rules, but its defaulted policyTypes include Ingress.
		{"cache to web: with-egress isolates web for ingress too", pod("back", "cache"), pod("front", "web"), 80, false, "isolated for Ingress by front/with-egress"},
		{"cache to admin: no policy selects admin", pod("back", "cache"), pod("front", "admin"), 80, true, "no NetworkPolicy selects the pod for Ingress"},
		{"ipBlock in range, endPort", addr("192.0.2.10"), pod("back", "db"), 5010, true, "back/db spec.ingress[1]"},
		{"ipBlock except", addr("192.0.2.200"), pod("back", "db"), 5005, false, ""},
		{"web to the internet on 443", pod("front", "web"), addr("93.184.216.34"), 443, true, "front/with-egress spec.egress[1]"},
		{"web to the metadata address", pod("front", "web"), addr("169.254.169.254"), 443, false, ""},
	} {
		v := e.Allowed(f.src, f.dst, f.port, corev1.ProtocolTCP)
		if v.Allowed != f.allowed {
			t.Errorf("%s: allowed=%v, want %v (egress: %s; ingress: %s)", f.name, v.Allowed, f.allowed, v.Egress.Reason, v.Ingress.Reason)
		}
		if reasons := v.Egress.Reason + " | " + v.Ingress.Reason; !strings.Contains(reasons, f.by) {
			t.Errorf("%s: reasons %q lack %q", f.name, reasons, f.by)
		}
	}

	// The checks on the same snapshot: back denies ingress by default, front does not; no
	// namespace denies egress; web may reach the internet but not the metadata service.
	rep := checks.Run(snap, checks.Registered(), checks.Selection{Namespaces: []string{"front", "back"}})
	got := map[string]checks.Status{}
	for _, c := range rep.Controls {
		for _, r := range c.Results {
			got[c.ID+" "+r.Resource.String()] = r.Status
		}
	}
	for k, want := range map[string]checks.Status{
		"KP-NET-001 Namespace/back":  checks.Pass,
		"KP-NET-001 Namespace/front": checks.Fail,
		"KP-NET-004 Namespace/back":  checks.Fail,
		"KP-NET-007 Pod/front/web":   checks.Pass,
		"KP-NET-007 Pod/front/admin": checks.Fail,
		"KP-NET-008 Pod/front/admin": checks.Fail, // web is isolated, admin is not
		"KP-NET-009 Pod/back/db":     checks.Pass,
		"KP-NET-010 Pod/front/web":   checks.Warn,
		"KP-NET-010 Pod/back/db":     checks.Warn, // back governs ingress only
	} {
		if got[k] != want {
			t.Errorf("%s: %q, want %q", k, got[k], want)
		}
	}
}

// crd builds a minimal CustomResourceDefinition that accepts any spec, as the plugins' CRDs
// would (their schemas are not needed to detect them).
func crd(group, kind, plural string, namespaced bool) *unstructured.Unstructured {
	scope := "Cluster"
	if namespaced {
		scope = "Namespaced"
	}
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "apiextensions.k8s.io/v1",
		"kind":       "CustomResourceDefinition",
		"metadata":   map[string]any{"name": plural + "." + group},
		"spec": map[string]any{
			"group": group,
			"scope": scope,
			"names": map[string]any{"kind": kind, "plural": plural, "singular": strings.ToLower(kind), "listKind": kind + "List"},
			"versions": []any{map[string]any{
				"name": "v2", "served": true, "storage": true,
				"schema": map[string]any{"openAPIV3Schema": map[string]any{
					"type": "object", "x-kubernetes-preserve-unknown-fields": true}},
			}},
		},
	}}
}

// TestCNIPolicies: without the plugins' CRDs the collector records the kinds as absent; with
// them it collects their policies, and the network checks turn NOT_EVALUATED where they may
// apply instead of failing.
func TestCNIPolicies(t *testing.T) {
	ctx := context.Background()
	cs, err := cluster.Client()
	if err != nil {
		t.Fatal(err)
	}
	a := &apply{t: t, ctx: ctx, cs: cs}
	a.namespace("cilium-app", nil)
	a.namespace("plain-app", nil)
	a.pod("cilium-app", "api", "10.244.3.10", map[string]string{"app": "api"})
	a.pod("plain-app", "api", "10.244.4.10", map[string]string{"app": "api"})

	before, err := collect.Collect(ctx, cluster.Admin, collect.Options{SkipKubelet: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range snapshot.CNIPolicyResources {
		if c := before.Resources[r]; c.State != snapshot.Collected || c.Count != 0 || !strings.Contains(c.Message, "no CRD") {
			t.Errorf("before the CRDs, resources[%s] = %+v, want collected, 0, no CRD", r, c)
		}
	}
	// Discovery is recorded: the server's own groups, not yet Cilium's.
	if c := before.Resources[snapshot.ResAPIGroups]; c.State != snapshot.Collected || c.Count != len(before.APIGroups) ||
		!slices.Contains(before.APIGroups, "apps") || slices.Contains(before.APIGroups, "cilium.io") || !slices.IsSorted(before.APIGroups) {
		t.Errorf("before the CRDs, resources[%s] = %+v, apiGroups %v; want collected, sorted, apps and no cilium.io", snapshot.ResAPIGroups, c, before.APIGroups)
	}
	if st := netStatus(t, before, "KP-NET-001", "Namespace/cilium-app"); st != checks.Fail {
		t.Errorf("before the CRDs, KP-NET-001 cilium-app = %s, want FAIL", st)
	}

	dyn := dynamic.NewForConfigOrDie(cluster.Admin)
	crds := dyn.Resource(schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"})
	for _, c := range []*unstructured.Unstructured{
		crd("cilium.io", "CiliumNetworkPolicy", "ciliumnetworkpolicies", true),
		crd("cilium.io", "CiliumClusterwideNetworkPolicy", "ciliumclusterwidenetworkpolicies", false),
	} {
		if _, err := crds.Create(ctx, c, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	cnp := dyn.Resource(schema.GroupVersionResource{Group: "cilium.io", Version: "v2", Resource: "ciliumnetworkpolicies"})
	obj := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "cilium.io/v2", "kind": "CiliumNetworkPolicy",
		"metadata": map[string]any{"name": "l7-allow", "namespace": "cilium-app"},
		"spec": map[string]any{"endpointSelector": map[string]any{"matchLabels": map[string]any{"app": "api"}},
			"ingress": []any{map[string]any{"fromEntities": []any{"world"}}}},
	}}
	// The CRD is served once it is established: retry until the create is accepted.
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, err := cnp.Namespace("cilium-app").Create(ctx, obj, metav1.CreateOptions{})
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("create CiliumNetworkPolicy: %v", err)
		}
		time.Sleep(200 * time.Millisecond)
	}

	after, err := collect.Collect(ctx, cluster.Admin, collect.Options{SkipKubelet: true})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(after.APIGroups, "cilium.io") {
		t.Errorf("after the CRDs, apiGroups %v lack cilium.io", after.APIGroups)
	}
	if c := after.Resources[snapshot.ResCiliumNetworkPolicies]; c.State != snapshot.Collected || c.Count != 1 {
		t.Errorf("resources[ciliumnetworkpolicies] = %+v, want collected, 1", c)
	}
	if c := after.Resources[snapshot.ResCiliumClusterwideNetworkPolicies]; c.State != snapshot.Collected || c.Count != 0 || c.Message != "" {
		t.Errorf("resources[ciliumclusterwidenetworkpolicies] = %+v, want collected, 0, served", c)
	}
	if c := after.Resources[snapshot.ResCalicoNetworkPolicies]; !strings.Contains(c.Message, "no CRD") {
		t.Errorf("resources[calico networkpolicies] = %+v, want absent", c)
	}
	if len(after.CNIPolicies) != 1 || after.CNIPolicies[0].Name != "l7-allow" || after.CNIPolicies[0].Namespace != "cilium-app" ||
		!strings.Contains(string(after.CNIPolicies[0].Spec), "fromEntities") {
		t.Errorf("cniPolicies = %+v, want cilium-app/l7-allow with its spec", after.CNIPolicies)
	}
	for _, tc := range []struct {
		id, res string
		want    checks.Status
	}{
		{"KP-NET-001", "Namespace/cilium-app", checks.NotEvaluated},
		{"KP-NET-001", "Namespace/plain-app", checks.Fail},
		{"KP-NET-009", "Pod/cilium-app/api", checks.NotEvaluated},
		{"KP-NET-009", "Pod/plain-app/api", checks.Fail},
		{"KP-NET-015", "CiliumNetworkPolicy/cilium-app/l7-allow", checks.Manual},
	} {
		if st := netStatus(t, after, tc.id, tc.res); st != tc.want {
			t.Errorf("%s %s = %s, want %s", tc.id, tc.res, st, tc.want)
		}
	}
	// CIS 5.3.1: Cilium's API is served but no Cilium agent runs, which a person must look at.
	sel := checks.Selection{Controls: []string{"KP-NET-019"}}
	selected, err := sel.Select(checks.Registered())
	if err != nil {
		t.Fatal(err)
	}
	if r := checks.Run(after, selected, sel).Controls[0].Results[0]; r.Status != checks.Manual || !strings.Contains(r.Reason, "Cilium (cilium.io)") {
		t.Errorf("KP-NET-019 with Cilium's CRDs and no agent: %s %q, want MANUAL naming Cilium's API", r.Status, r.Reason)
	}
}

func netStatus(t *testing.T, snap *snapshot.Snapshot, id, res string) checks.Status {
	t.Helper()
	sel := checks.Selection{Controls: []string{id}}
	selected, err := sel.Select(checks.Registered())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range checks.Run(snap, selected, sel).Controls {
		for _, r := range c.Results {
			if r.Resource.String() == res {
				return r.Status
			}
		}
	}
	return ""
}
