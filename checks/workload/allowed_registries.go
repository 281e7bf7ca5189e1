/*
KP-WL-021: images come from an allowed registry.

Source: NSA/CISA Kubernetes Hardening Guide v1.2, "Kubernetes Pod security" and "Upgrading and
application security practices" (use trusted repositories, and admission policy to keep
images to them). CIS Kubernetes Benchmark 1.12, 5.5.1 (image provenance) asks for an admission
controller that enforces this; it is not referenced here because this control judges what
runs, not whether admission enforces it.

Unit: each top-level workload (see workloads.go), template and pods.

Parameter: the allow-list (checks.Params.AllowedRegistries; audit scan --allowed-registries).
Each entry is a registry host, with its port if any ("registry.example.com",
"localhost:5000"), optionally followed by a repository path prefix ("ghcr.io/acme",
"docker.io/library" for Docker Hub's official images only). Docker Hub is "docker.io";
"index.docker.io" and "registry-1.docker.io" are the same registry. Without an allow-list the
control is NOT_EVALUATED: there is nothing to compare with, and passing would be silent.

Fields read, in containers, initContainers and ephemeralContainers: image, normalised as the
runtimes do (github.com/distribution/reference): "nginx" is docker.io/library/nginx, and
"localhost:5000/app" is the repository app on the registry localhost:5000.

	FAIL  an image whose registry (and path) matches no entry, or that is not a valid reference
	PASS  every image matches an entry: same host, and the repository path equals the entry's
	      path or is below it ("ghcr.io/acme" allows ghcr.io/acme/app, not ghcr.io/acme-evil/app)
*/

package workload

import (
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:       "KP-WL-021",
			Title:    "Images come from an allowed registry",
			Layer:    checks.Workload,
			Severity: checks.High,
			Description: "An image from a registry the organisation does not control or trust runs " +
				"code nobody reviewed, and a typo or a look-alike name on a public registry is a " +
				"classic supply-chain attack. Every image is compared with the allow-list given " +
				"with --allowed-registries; without one the control is not evaluated.",
			Remediation: "Mirror or rebuild the image into an allowed registry and reference it " +
				"there, or add its registry to the allow-list if it is trusted. Enforce the list at " +
				"admission (a ValidatingAdmissionPolicy on spec.containers[*].image, Kyverno or " +
				"Gatekeeper) so that new workloads cannot bypass it.",
		},
		Inputs:         inputs,
		EvaluateParams: allowedRegistries,
	})
}

func allowedRegistries(s *snapshot.Snapshot, p checks.Params) []checks.Result {
	if len(p.AllowedRegistries) == 0 {
		return []checks.Result{{Status: checks.NotEvaluated, Resource: checks.Resource{Kind: "Cluster"},
			Reason: "no registry allow-list was given: pass --allowed-registries with the registries " +
				"images may come from (e.g. --allowed-registries registry.example.com,ghcr.io/acme) " +
				"to audit scan or audit serve"}}
	}
	entries := p.AllowedRegistries
	names := make([]string, len(entries))
	for i, e := range entries {
		names[i] = e.String()
	}
	list := strings.Join(names, ", ")
	cache, ls := imageCache{}, newLines()
	return evaluateGraded(s, func(_ *metav1.ObjectMeta, spec *corev1.PodSpec) (checks.Status, string) {
		var f findings
		eachContainer(spec, func(kind string, c *corev1.Container) {
			ls.add(&f, kind, c, c.Image, func() (checks.Status, string) {
				if msg := registryVerdict(entries, cache.get(c.Image), c.Image); msg != "" {
					return checks.Fail, msg
				}
				return checks.Pass, ""
			})
		})
		return f.resultWith(ls)
	}, "every image from an allowed registry ("+list+")", "images only from: "+list)
}

func registryVerdict(entries []checks.AllowedRegistry, r *imageRef, image string) string {
	if r.err != nil {
		return `image "` + image + `" is not a valid image reference, so its registry cannot be told: ` + r.err.Error()
	}
	for _, e := range entries {
		if e.Allows(r.domain, r.path) {
			return ""
		}
	}
	return `image "` + image + `" comes from ` + r.domain + " (" + r.name() + "), not an allowed registry"
}
