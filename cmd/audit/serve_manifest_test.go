package main

import (
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/collect"
	"github.com/kubeposture/kubeposture/internal/netpol"
	"github.com/kubeposture/kubeposture/snapshot"
)

// readServeExample renders examples/serve with kustomize and reads the objects it holds.
func readServeExample(t *testing.T) *snapshot.Snapshot {
	t.Helper()
	rm, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(filesys.MakeFsOnDisk(), "../../examples/serve")
	if err != nil {
		t.Fatalf("kustomize build examples/serve: %v", err)
	}
	yaml, err := rm.AsYaml()
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "serve.yaml")
	if err := os.WriteFile(out, yaml, 0o600); err != nil {
		t.Fatal(err)
	}
	return readManifestFiles(t, out)
}

func readManifestFiles(t *testing.T, paths ...string) *snapshot.Snapshot {
	t.Helper()
	m, err := collect.ReadManifests(paths)
	if err != nil {
		t.Fatal(err)
	}
	return m.Snapshot
}

// The shipped serve Deployment renders, runs `audit serve` with flags the command accepts,
// and passes every one of our own checks that can judge manifests (the restricted Pod
// Security ones among them).
func TestServeManifests(t *testing.T) {
	s := readServeExample(t)
	if len(s.CronJobs) != 0 || len(s.Deployments) != 1 || len(s.Services) != 1 || len(s.NetworkPolicies) != 1 {
		t.Fatalf("rendered: %d CronJobs, %d Deployments, %d Services, %d NetworkPolicies; want 0, 1, 1, 1",
			len(s.CronJobs), len(s.Deployments), len(s.Services), len(s.NetworkPolicies))
	}
	c := s.Deployments[0].Spec.Template.Spec.Containers[0]
	if !slices.Equal(c.Command[:2], []string{"audit", "serve"}) || c.ReadinessProbe == nil || c.ReadinessProbe.HTTPGet.Path != "/readyz" {
		t.Errorf("container: command %v, readiness %+v", c.Command, c.ReadinessProbe)
	}
	if found, _, err := newRootCommand().Find(c.Command[1:2]); err != nil || found.Name() != "serve" {
		t.Errorf("command %v: %v", c.Command, err)
	}

	// The image is a placeholder (":latest", which KP-WL-020 fails): point it at a release
	// pinned by digest, as README step 1 has the user do.
	for i := range s.Deployments[0].Spec.Template.Spec.Containers {
		s.Deployments[0].Spec.Template.Spec.Containers[i].Image = "registry.example.com/kubeposture:v0.1.0@sha256:" + strings.Repeat("ab", 32)
	}
	rep := checks.Run(s, checks.Registered(), checks.Selection{})
	judged := 0
	for _, ctl := range rep.Controls {
		for _, r := range ctl.Results {
			if r.Status == checks.Fail || r.Status == checks.Warn {
				t.Errorf("%s %s on %s: %s %s", ctl.ID, r.Status, r.Resource, r.Evidence.Observed, r.Reason)
			}
			if ctl.Layer == checks.Workload && r.Status == checks.Pass && r.Resource.Kind == "Deployment" {
				judged++
			}
		}
	}
	if judged == 0 {
		t.Error("no workload control passed the Deployment: it was not judged")
	}
}

// The example serves HTTPS on every address of the pod with the mounted certificate, asks
// for tokens (no --insecure-no-auth), may review them (system:auth-delegator), and its port
// is reached through the Service and by the probes.
func TestServeManifestsProtectTheServer(t *testing.T) {
	s := readServeExample(t)
	pod := s.Deployments[0].Spec.Template
	c := pod.Spec.Containers[0]
	root := newRootCommand()
	cmd, args, err := root.Find(c.Command[1:])
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.ParseFlags(args); err != nil {
		t.Fatalf("command %v: %v", c.Command, err)
	}
	flag := func(name string) string { return cmd.Flags().Lookup(name).Value.String() }
	if !cmd.Flags().Changed("listen") || loopback(flag("listen")) {
		t.Errorf("--listen %q: the manifest must set it to the pod's addresses", flag("listen"))
	}
	if flag("insecure-no-auth") != "false" {
		t.Error("the example serves without authentication")
	}
	mounted := map[string]string{} // file under a mount -> the Secret it comes from
	for _, m := range c.VolumeMounts {
		for _, v := range pod.Spec.Volumes {
			if v.Name == m.Name && v.Secret != nil {
				mounted[m.MountPath] = v.Secret.SecretName
			}
		}
	}
	for _, f := range []string{"tls-cert-file", "tls-private-key-file"} {
		if mounted[filepath.Dir(flag(f))] != "kubeposture-serving-cert" {
			t.Errorf("--%s %q is not in the mounted Secret kubeposture-serving-cert (%v)", f, flag(f), mounted)
		}
	}
	_, port, err := net.SplitHostPort(flag("listen"))
	if err != nil {
		t.Fatal(err)
	}
	var named string
	for _, p := range c.Ports {
		if strconv.Itoa(int(p.ContainerPort)) == port {
			named = p.Name
		}
	}
	if named == "" {
		t.Fatalf("no container port is --listen's %s: %+v", port, c.Ports)
	}
	for _, probe := range []*corev1.Probe{c.LivenessProbe, c.ReadinessProbe} {
		if probe == nil || probe.HTTPGet.Scheme != corev1.URISchemeHTTPS || probe.HTTPGet.Port.String() != named {
			t.Errorf("probe %+v: want HTTPS on port %s", probe, named)
		}
	}
	if sp := s.Services[0].Spec.Ports; len(sp) != 1 || sp[0].TargetPort.String() != named {
		t.Errorf("the Service's ports %+v do not reach the container's port %s", sp, named)
	}

	delegated := false
	for _, b := range s.ClusterRoleBindings {
		delegated = delegated || b.RoleRef.Name == "system:auth-delegator" && slices.Contains(b.Subjects,
			rbacv1.Subject{Kind: "ServiceAccount", Name: pod.Spec.ServiceAccountName, Namespace: s.Deployments[0].Namespace})
	}
	if !delegated {
		t.Errorf("no ClusterRoleBinding gives the service account %s system:auth-delegator", pod.Spec.ServiceAccountName)
	}
	for _, r := range s.ClusterRoles {
		if r.Name == "kubeposture-report-reader" {
			if len(r.Rules) != 1 || !slices.Equal(r.Rules[0].Verbs, []string{"get"}) ||
				!slices.Equal(r.Rules[0].NonResourceURLs, []string{"/report.html", "/report.json", "/report.sarif"}) {
				t.Errorf("kubeposture-report-reader: %+v", r.Rules)
			}
		}
	}
}

// The NetworkPolicy admits the monitoring namespace's pods to serve's port and nothing else,
// as the project's NetworkPolicy engine (internal/netpol) evaluates it.
func TestServeNetworkPolicy(t *testing.T) {
	s := readServeExample(t)
	tpl := s.Deployments[0].Spec.Template
	ns := s.Deployments[0].Namespace
	pod := func(namespace, name string, l map[string]string, spec corev1.PodSpec) corev1.Pod {
		return corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name, Labels: l}, Spec: spec}
	}
	pods := []corev1.Pod{
		pod(ns, "kubeposture-0", tpl.Labels, tpl.Spec),
		pod("monitoring", "prometheus-k8s-0", map[string]string{"app.kubernetes.io/name": "prometheus"}, corev1.PodSpec{}),
		pod("default", "web-0", map[string]string{"app": "web"}, corev1.PodSpec{}),
		pod(ns, "neighbour-0", map[string]string{"app": "neighbour"}, corev1.PodSpec{}),
	}
	var namespaces []corev1.Namespace
	for _, n := range []string{ns, "monitoring", "default"} {
		// The API server labels every namespace with its name.
		namespaces = append(namespaces, corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: n, Labels: map[string]string{corev1.LabelMetadataName: n}}})
	}
	e := netpol.New(pods, namespaces, s.NetworkPolicies)
	serve, _ := e.PodEndpoint(ns, "kubeposture-0")
	port := tpl.Spec.Containers[0].Ports[0].ContainerPort
	for _, tc := range []struct {
		from string
		port int32
		want bool
	}{
		{"monitoring/prometheus-k8s-0", port, true},
		{"monitoring/prometheus-k8s-0", port + 1, false},
		{"default/web-0", port, false},
		{ns + "/neighbour-0", port, false},
	} {
		fromNS, fromName, _ := strings.Cut(tc.from, "/")
		src, ok := e.PodEndpoint(fromNS, fromName)
		if !ok {
			t.Fatal(tc.from)
		}
		if v := e.Allowed(src, serve, tc.port, corev1.ProtocolTCP); v.Allowed != tc.want {
			t.Errorf("%s -> serve:%d allowed %v, want %v (%s)", tc.from, tc.port, v.Allowed, tc.want, v.Ingress.Reason)
		}
	}
	if v := e.Allowed(netpol.AddrEndpoint(netip.MustParseAddr("203.0.113.7")), serve, port, corev1.ProtocolTCP); v.Allowed {
		t.Errorf("an address outside the cluster reaches serve: %s", v.Ingress.Reason)
	}
}

// serviceMonitor is the part of the Prometheus Operator's ServiceMonitor the example uses;
// read strictly, so that a misspelt field fails here rather than being ignored.
type serviceMonitor struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name      string            `json:"name"`
		Namespace string            `json:"namespace"`
		Labels    map[string]string `json:"labels"`
	} `json:"metadata"`
	Spec struct {
		Selector  metav1.LabelSelector `json:"selector"`
		Endpoints []struct {
			Port            string `json:"port"`
			Path            string `json:"path"`
			Interval        string `json:"interval"`
			Scheme          string `json:"scheme"`
			BearerTokenFile string `json:"bearerTokenFile"`
			TLSConfig       struct {
				ServerName string `json:"serverName"`
				CA         struct {
					Secret struct {
						Name string `json:"name"`
						Key  string `json:"key"`
					} `json:"secret"`
				} `json:"ca"`
			} `json:"tlsConfig"`
		} `json:"endpoints"`
	} `json:"spec"`
}

// The ServiceMonitor scrapes serve's Service over HTTPS with Prometheus's service account
// token, and examples/monitoring/rbac.yaml lets that account get /metrics, and nothing else.
func TestServeServiceMonitor(t *testing.T) {
	s := readServeExample(t)
	data, err := os.ReadFile("../../examples/monitoring/servicemonitor.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var sm serviceMonitor
	if err := yaml.UnmarshalStrict(data, &sm); err != nil {
		t.Fatal(err)
	}
	svc := s.Services[0]
	sel, err := metav1.LabelSelectorAsSelector(&sm.Spec.Selector)
	if err != nil || sm.Kind != "ServiceMonitor" || sm.Metadata.Namespace != svc.Namespace || !sel.Matches(labels.Set(svc.Labels)) {
		t.Fatalf("the ServiceMonitor does not select the Service %s/%s: %+v %v", svc.Namespace, svc.Name, sm, err)
	}
	if len(sm.Spec.Endpoints) != 1 {
		t.Fatalf("%d endpoints", len(sm.Spec.Endpoints))
	}
	ep := sm.Spec.Endpoints[0]
	if ep.Port != svc.Spec.Ports[0].Name || ep.Path != "/metrics" || ep.Scheme != "https" {
		t.Errorf("endpoint %+v: want port %s, path /metrics, scheme https", ep, svc.Spec.Ports[0].Name)
	}
	if ep.BearerTokenFile != "/var/run/secrets/kubernetes.io/serviceaccount/token" {
		t.Errorf("bearerTokenFile %q: want the service account token the kubelet mounts", ep.BearerTokenFile)
	}
	if want := svc.Name + "." + svc.Namespace + ".svc"; ep.TLSConfig.ServerName != want || ep.TLSConfig.CA.Secret.Name != "kubeposture-serving-cert" {
		t.Errorf("tlsConfig %+v: want serverName %s and the CA of kubeposture-serving-cert", ep.TLSConfig, want)
	}

	rbac := readManifestFiles(t, "../../examples/monitoring/rbac.yaml")
	if len(rbac.ClusterRoles) != 1 || len(rbac.ClusterRoleBindings) != 1 {
		t.Fatalf("rbac.yaml: %d ClusterRoles, %d ClusterRoleBindings", len(rbac.ClusterRoles), len(rbac.ClusterRoleBindings))
	}
	role, b := rbac.ClusterRoles[0], rbac.ClusterRoleBindings[0]
	if len(role.Rules) != 1 || !slices.Equal(role.Rules[0].NonResourceURLs, []string{"/metrics"}) || !slices.Equal(role.Rules[0].Verbs, []string{"get"}) {
		t.Errorf("%s grants %+v, want get on /metrics only", role.Name, role.Rules)
	}
	policy := s.NetworkPolicies[0].Spec.Ingress[0].From[0].NamespaceSelector.MatchLabels[corev1.LabelMetadataName]
	if b.RoleRef.Name != role.Name || len(b.Subjects) != 1 || b.Subjects[0].Namespace != policy {
		t.Errorf("binding %+v: want the role bound to a service account of %s, the namespace the NetworkPolicy admits", b, policy)
	}
}
