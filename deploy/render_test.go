package deploy_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"

	"github.com/kubeposture/kubeposture/checks"
	_ "github.com/kubeposture/kubeposture/checks/builtin"
	"github.com/kubeposture/kubeposture/collect"
	"github.com/kubeposture/kubeposture/internal/owners"
	"github.com/kubeposture/kubeposture/snapshot"
)

// kustomizations are every shipped kustomization, by directory.
var kustomizations = []string{
	"base",
	"overlays/with-node-proxy",
	"overlays/with-node-agent",
	"overlays/with-metrics",
	"overlays/with-secret-metadata",
}

// render builds a kustomization as `kubectl kustomize DIR` does (krusty is the library
// behind it) and reads the output back with kubeposture's manifest reader.
func render(t *testing.T, dir string) (yaml []byte, m *collect.Manifests) {
	t.Helper()
	rm, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		t.Fatalf("kustomize build %s: %v", dir, err)
	}
	yaml, err = rm.AsYaml()
	if err != nil {
		t.Fatalf("kustomize build %s: %v", dir, err)
	}
	out := filepath.Join(t.TempDir(), "rendered.yaml")
	if err := os.WriteFile(out, yaml, 0o644); err != nil {
		t.Fatal(err)
	}
	if m, err = collect.ReadManifests([]string{out}); err != nil {
		t.Fatalf("read %s's output: %v", dir, err)
	}
	if len(m.Unknown) > 0 {
		t.Errorf("%s renders objects no check reads: %v", dir, m.Unknown)
	}
	return yaml, m
}

func scanner(t *testing.T, s *snapshot.Snapshot) (*rbacv1.ClusterRole, *batchv1.CronJob) {
	t.Helper()
	var role *rbacv1.ClusterRole
	for i := range s.ClusterRoles {
		if s.ClusterRoles[i].Name == "kubeposture-reader" {
			role = &s.ClusterRoles[i]
		}
	}
	var cj *batchv1.CronJob
	for i := range s.CronJobs {
		if s.CronJobs[i].Namespace == "kubeposture" && s.CronJobs[i].Name == "kubeposture-scan" {
			cj = &s.CronJobs[i]
		}
	}
	if role == nil || cj == nil {
		t.Fatalf("rendered output lacks ClusterRole kubeposture-reader (%v) or CronJob kubeposture/kubeposture-scan (%v)", role != nil, cj != nil)
	}
	return role, cj
}

func grants(role *rbacv1.ClusterRole, group, resource, verb string) bool {
	for _, r := range role.Rules {
		if slices.Contains(r.APIGroups, group) && slices.Contains(r.Resources, resource) && slices.Contains(r.Verbs, verb) {
			return true
		}
	}
	return false
}

// TestKustomizations renders every kustomization and checks what each must (and must not)
// contain.
func TestKustomizations(t *testing.T) {
	for _, dir := range kustomizations {
		t.Run(dir, func(t *testing.T) {
			_, m := render(t, dir)
			s := m.Snapshot
			role, cj := scanner(t, s)
			if len(s.Namespaces) == 0 || len(s.ServiceAccounts) == 0 || len(s.ClusterRoleBindings) == 0 {
				t.Errorf("missing objects: %d namespaces, %d service accounts, %d cluster role bindings",
					len(s.Namespaces), len(s.ServiceAccounts), len(s.ClusterRoleBindings))
			}
			// Read-only: get and list, nothing else, no wildcard anywhere.
			for _, r := range role.Rules {
				for _, v := range r.Verbs {
					if v != "get" && v != "list" {
						t.Errorf("rule %v grants verb %q: the role must be get/list only", r, v)
					}
				}
				for _, list := range [][]string{r.APIGroups, r.Resources, r.ResourceNames, r.NonResourceURLs} {
					if slices.Contains(list, "*") {
						t.Errorf("rule %v has a wildcard", r)
					}
				}
				if len(r.NonResourceURLs) > 0 && !slices.Equal(r.NonResourceURLs, []string{"/metrics"}) {
					t.Errorf("non-resource rule %v: only /metrics is read (collect/metrics.go)", r)
				}
			}
			// Nothing that can read a secret's value in the base: list secrets only where the
			// user opts in for the metadata Table.
			if got, want := grants(role, "", "secrets", "list"), dir == "overlays/with-secret-metadata"; got != want {
				t.Errorf("list secrets granted: %v, want %v (only with-secret-metadata grants it)", got, want)
			}
			if grants(role, "", "secrets", "get") || grants(role, "", "secrets", "watch") {
				t.Error("secrets may be granted list (for the metadata Table) and nothing else")
			}
			// What Pod Security restricted does not ask but the scanner's pod promises (no
			// kubeposture control checks these two either): a read-only root filesystem, and
			// CPU and memory limits.
			for _, c := range cj.Spec.JobTemplate.Spec.Template.Spec.Containers {
				if sc := c.SecurityContext; sc == nil || sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem {
					t.Errorf("container %s: root filesystem not read-only", c.Name)
				}
				if c.Resources.Limits.Cpu().IsZero() || c.Resources.Limits.Memory().IsZero() {
					t.Errorf("container %s: no CPU or memory limit", c.Name)
				}
			}
			command := strings.Join(cj.Spec.JobTemplate.Spec.Template.Spec.Containers[0].Command, " ")
			if !strings.HasPrefix(command, "audit scan ") || !strings.Contains(command, "--fail-on none") {
				t.Errorf("CronJob runs %q, want audit scan ... --fail-on none", command)
			}
			proxy := dir == "overlays/with-node-proxy"
			if got := grants(role, "", "nodes/proxy", "get"); got != proxy {
				t.Errorf("get nodes/proxy granted: %v, want %v (only with-node-proxy grants it)", got, proxy)
			}
			if got := strings.Contains(command, "--skip-kubelet"); got == proxy {
				t.Errorf("command %q: --skip-kubelet exactly when nodes/proxy is not granted", command)
			}
			if got, want := strings.Contains(command, "--pushgateway http"), dir == "overlays/with-metrics"; got != want {
				t.Errorf("command %q: --pushgateway %v, want %v", command, got, want)
			}
			agent := false
			for _, ds := range s.DaemonSets {
				agent = agent || ds.Name == "kubeposture-node-agent"
			}
			if want := dir == "overlays/with-node-agent"; agent != want {
				t.Errorf("node agent DaemonSet present: %v, want %v", agent, want)
			}
		})
	}
}

// TestScanShippedManifests scans each kustomization's output with kubeposture's own
// checks, as `audit scan -f` does. What it asserts:
//   - every workload-layer control (Pod Security baseline and restricted, secrets in env)
//     judges the scanner's CronJob and passes it: no FAIL or WARN on any object in the
//     kubeposture namespace, from any control;
//   - no control FAILs or WARNs at all, except, in with-node-agent, on the node agent's
//     own pods (hostPath and uid 0 by design: examples/node-agent);
//   - the controls that need cluster state (network policies of the whole cluster, RBAC
//     with its Roles and RoleBindings, the control plane, the kubelets) are NOT_EVALUATED
//     or NOT_APPLICABLE on a manifests-only snapshot, never PASS.
//
// pinImages sets every container image of the snapshot's CronJobs and DaemonSets to image.
func pinImages(s *snapshot.Snapshot, image string) {
	pin := func(spec *corev1.PodSpec) {
		for i := range spec.Containers {
			spec.Containers[i].Image = image
		}
		for i := range spec.InitContainers {
			spec.InitContainers[i].Image = image
		}
	}
	for i := range s.CronJobs {
		pin(&s.CronJobs[i].Spec.JobTemplate.Spec.Template.Spec)
	}
	for i := range s.DaemonSets {
		pin(&s.DaemonSets[i].Spec.Template.Spec)
	}
}

func TestScanShippedManifests(t *testing.T) {
	for _, dir := range kustomizations {
		t.Run(dir, func(t *testing.T) {
			_, m := render(t, dir)
			// The shipped image is a placeholder (":latest", which KP-WL-020 fails): point it
			// at a release pinned by digest in the user's registry, as README step 1 has the
			// user do, and give that registry as the allow-list of KP-WL-021.
			pinImages(m.Snapshot, "registry.example.com/kubeposture:v0.1.0@sha256:"+strings.Repeat("ab", 32))
			allowed, err := checks.ParseAllowedRegistries([]string{"registry.example.com"})
			if err != nil {
				t.Fatal(err)
			}
			rep := checks.Run(m.Snapshot, checks.Registered(), checks.Selection{
				Params: checks.Params{AllowedRegistries: allowed}})
			// A control of another layer that reads workloads only (KP-NET-012 judges a
			// template's hostNetwork) judges manifests as the workload layer does.
			templatesOnly := map[string]bool{}
			for _, ch := range checks.Registered() {
				templatesOnly[ch.ID] = len(ch.Inputs) > 0 && !slices.ContainsFunc(ch.Inputs, func(r snapshot.Resource) bool {
					return !slices.Contains(owners.Inputs, r)
				})
			}
			workload := 0
			for _, c := range rep.Controls {
				for _, r := range c.Results {
					bad := r.Status == checks.Fail || r.Status == checks.Warn
					// The node agent's namespace enforces privileged (its pods read the node's
					// files through hostPath): its own findings, KP-WL-005's included, are known.
					agent := r.Resource.Namespace == "kubeposture-node" ||
						r.Resource.Kind == "Namespace" && r.Resource.Name == "kubeposture-node"
					if bad && !(agent && dir == "overlays/with-node-agent") {
						t.Errorf("%s %s on %s: %s", c.ID, r.Status, r.Resource, r.Reason)
					}
				}
				if c.Layer == checks.Workload {
					workload++
					// Each workload control passes the scanner's CronJob, or, for the controls
					// about namespaces, its Namespace; those about the API server's admission
					// configuration, secrets and config maps have no input in manifests.
					judged, unseen := false, false
					for _, r := range c.Results {
						judged = judged || r.Status == checks.Pass &&
							(r.Resource.Kind == "CronJob" && r.Resource.Name == "kubeposture-scan" ||
								r.Resource.Kind == "Namespace" && r.Resource.Name == "kubeposture")
						unseen = unseen || r.Status == checks.NotEvaluated && r.Resource.Kind == "Cluster"
					}
					if !judged && !unseen {
						t.Errorf("%s did not pass the scanner's CronJob or namespace: %+v", c.ID, c.Results)
					}
				} else if c.Status == checks.Pass && !templatesOnly[c.ID] {
					t.Errorf("%s (%s layer) PASSes on a manifests-only snapshot: its input is cluster state", c.ID, c.Layer)
				}
			}
			if workload == 0 {
				t.Error("no workload control ran")
			}
		})
	}
}
