package deploy_test

import (
	"os"
	"regexp"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"sigs.k8s.io/yaml"
)

// pinnedImage is deploy/image's reference: the image's name, the release's tag and digest.
func pinnedImage(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("image/kustomization.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Images     []struct {
			Name   string `json:"name"`
			NewTag string `json:"newTag"`
			Digest string `json:"digest"`
		} `json:"images"`
	}
	if err := yaml.UnmarshalStrict(b, &c); err != nil {
		t.Fatal(err)
	}
	if c.Kind != "Component" || len(c.Images) != 1 || !regexp.MustCompile(`^sha256:[0-9a-f]{64}$`).MatchString(c.Images[0].Digest) {
		t.Fatalf("deploy/image: %+v, want a Component with one image pinned by a sha256 digest", c)
	}
	im := c.Images[0]
	return im.Name + ":" + im.NewTag + "@" + im.Digest
}

// Every container of every shipped kustomization, and of the examples built on them, runs the
// image deploy/image pins by digest: one place for the release process to fill, and no tag
// that can move (KP-WL-020).
func TestImagesPinnedByDigest(t *testing.T) {
	want := pinnedImage(t)
	for _, dir := range append(kustomizations, "../examples/serve", "../examples/node-agent") {
		_, m := render(t, dir)
		n := 0
		each := func(kind, name string, spec *corev1.PodSpec) {
			for _, c := range append(spec.InitContainers, spec.Containers...) {
				n++
				if c.Image != want {
					t.Errorf("%s: %s %s container %s runs %q, want %q (deploy/image)", dir, kind, name, c.Name, c.Image, want)
				}
			}
		}
		s := m.Snapshot
		for i := range s.CronJobs {
			each("CronJob", s.CronJobs[i].Name, &s.CronJobs[i].Spec.JobTemplate.Spec.Template.Spec)
		}
		for i := range s.DaemonSets {
			each("DaemonSet", s.DaemonSets[i].Name, &s.DaemonSets[i].Spec.Template.Spec)
		}
		for i := range s.Deployments {
			each("Deployment", s.Deployments[i].Name, &s.Deployments[i].Spec.Template.Spec)
		}
		if n == 0 {
			t.Errorf("%s runs no container", dir)
		}
	}
}

// The scanner's memory limit covers the README's own peak at 50,000 pods (README "Scale",
// from docs/scale.md's runs of test/scale): the figure is read from the README's table, so
// that a larger figure there fails here.
func TestMemoryLimitCoversScale(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var peak resource.Quantity
	for _, line := range strings.Split(string(b), "\n") {
		if !strings.HasPrefix(line, "| 50,000 (") {
			continue
		}
		cols := strings.Split(line, "|")
		if len(cols) < 7 {
			t.Fatalf("README row %q: want the live peak RSS in its sixth column", line)
		}
		v := strings.Replace(strings.TrimSpace(cols[6]), " MiB", "Mi", 1)
		if peak, err = resource.ParseQuantity(v); err != nil {
			t.Fatalf("README row %q: live peak RSS %q: %v", line, cols[6], err)
		}
	}
	if peak.IsZero() {
		t.Fatal("README has no row for 50,000 pods")
	}
	for _, dir := range kustomizations {
		_, m := render(t, dir)
		_, cj := scanner(t, m.Snapshot)
		for _, c := range cj.Spec.JobTemplate.Spec.Template.Spec.Containers {
			if lim := c.Resources.Limits.Memory(); lim.Cmp(peak) < 0 {
				t.Errorf("%s: container %s's memory limit %s is below the live scan's peak at 50,000 pods, %s", dir, c.Name, lim, &peak)
			}
		}
	}
}
