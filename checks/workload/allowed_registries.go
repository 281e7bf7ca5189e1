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
	"fmt"
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

// registryEntry is one parsed allow-list entry.
type registryEntry struct {
	host   string // lower case, Docker Hub aliases folded into "docker.io"
	prefix string // repository path prefix, "" for the whole registry
}

func (e registryEntry) String() string {
	if e.prefix == "" {
		return e.host
	}
	return e.host + "/" + e.prefix
}

// dockerHubAliases are the names of Docker Hub that images and users write.
var dockerHubAliases = map[string]bool{"docker.io": true, "index.docker.io": true, "registry-1.docker.io": true}

// ParseAllowedRegistries checks and normalises an allow-list as given by the user: each entry
// a registry host (with port) and an optional repository path prefix; a scheme and trailing
// slashes are dropped. It returns the entries in normal form (what the report records).
func ParseAllowedRegistries(list []string) ([]string, error) {
	entries, err := parseRegistryEntries(list)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(entries))
	for i, e := range entries {
		out[i] = e.String()
	}
	return out, nil
}

func parseRegistryEntries(list []string) ([]registryEntry, error) {
	var out []registryEntry
	for _, raw := range list {
		s := strings.TrimSpace(raw)
		s = strings.TrimPrefix(strings.TrimPrefix(s, "https://"), "http://")
		s = strings.Trim(s, "/")
		if s == "" {
			return nil, fmt.Errorf("allowed registry %q: empty entry (give a registry host such as registry.example.com or ghcr.io/acme)", raw)
		}
		if strings.ContainsAny(s, "@ \t") {
			return nil, fmt.Errorf("allowed registry %q: give a registry host and optional repository prefix (ghcr.io/acme), not an image", raw)
		}
		host, prefix, _ := strings.Cut(s, "/")
		if strings.Contains(prefix, ":") {
			return nil, fmt.Errorf("allowed registry %q: a tag is not a registry (give ghcr.io/acme, not ghcr.io/acme/app:1)", raw)
		}
		host = strings.ToLower(host)
		if dockerHubAliases[host] {
			host = "docker.io"
		}
		out = append(out, registryEntry{host: host, prefix: prefix})
	}
	return out, nil
}

// allows reports whether the image r (parsed) matches the entry.
func (e registryEntry) allows(r *imageRef) bool {
	if strings.ToLower(r.domain) != e.host {
		return false
	}
	return e.prefix == "" || r.path == e.prefix || strings.HasPrefix(r.path, e.prefix+"/")
}

func allowedRegistries(s *snapshot.Snapshot, p checks.Params) []checks.Result {
	if len(p.AllowedRegistries) == 0 {
		return []checks.Result{{Status: checks.NotEvaluated, Resource: checks.Resource{Kind: "Cluster"},
			Reason: "no registry allow-list was given: pass --allowed-registries with the registries " +
				"images may come from (e.g. --allowed-registries registry.example.com,ghcr.io/acme) " +
				"to audit scan or audit serve"}}
	}
	entries, err := parseRegistryEntries(p.AllowedRegistries)
	if err != nil { // the command line validates the list first; a hand-made Params may not
		return []checks.Result{{Status: checks.NotEvaluated, Resource: checks.Resource{Kind: "Cluster"},
			Reason: err.Error()}}
	}
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

func registryVerdict(entries []registryEntry, r *imageRef, image string) string {
	if r.err != nil {
		return `image "` + image + `" is not a valid image reference, so its registry cannot be told: ` + r.err.Error()
	}
	for _, e := range entries {
		if e.allows(r) {
			return ""
		}
	}
	return `image "` + image + `" comes from ` + r.domain + " (" + r.name() + "), not an allowed registry"
}
