package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/collect"
)

// The shipped serve Deployment renders, runs `audit serve`, and passes every one of our own
// checks that can judge manifests (the restricted Pod Security ones among them).
func TestServeManifests(t *testing.T) {
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
	m, err := collect.ReadManifests([]string{out})
	if err != nil {
		t.Fatal(err)
	}
	s := m.Snapshot
	if len(s.CronJobs) != 0 || len(s.Deployments) != 1 || len(s.Services) != 1 || len(s.ClusterRoles) != 1 {
		t.Fatalf("rendered: %d CronJobs, %d Deployments, %d Services, %d ClusterRoles; want 0, 1, 1, 1",
			len(s.CronJobs), len(s.Deployments), len(s.Services), len(s.ClusterRoles))
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
