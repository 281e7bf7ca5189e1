/*
KP-WL-020: images use an immutable reference.

Source: NSA/CISA Kubernetes Hardening Guide v1.2, "Upgrading and application security
practices" and its image-scanning advice (the image that was scanned and approved must be the
one that runs); Kubernetes documentation, "Images: image names" and "Updating images" (a
digest "will always use the same code"; a tag, `latest` above all, can be moved; avoid
`:latest` in production). A mutable reference makes a rollback, a scan result or an audit
finding refer to something other than what runs, and replicas of one workload can run
different images after a node pulls the moved tag.

Unit: each top-level workload (see workloads.go), template and pods.

Fields read, in containers, initContainers and ephemeralContainers: image, parsed as the
runtimes parse it (github.com/distribution/reference, ParseNormalizedNamed).

	FAIL  no tag and no digest ("nginx": the runtime pulls "latest"), the tag "latest" without a
	      digest, or an image string that is not a valid reference (the kubelet cannot pull it:
	      InvalidImageName)
	WARN  a tag other than "latest" without a digest ("nginx:1.27"): conventionally stable, but
	      a registry lets anyone who can push move it
	PASS  a digest ("nginx@sha256:…"), with or without a tag: with both, the runtimes pull by
	      the digest and the tag is only a label

For a pod, the evidence adds the image the container runs, from the pod's
status.*containerStatuses[].imageID (kept by the collector): the reference to pin to, and,
when replicas of one workload run different digests under the same tag, a separate line per
digest.
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
			ID:       "KP-WL-020",
			Title:    "Images use an immutable reference (a digest, not latest or no tag)",
			Layer:    checks.Workload,
			Severity: checks.Medium,
			Description: "An image named by the tag latest, or by no tag, is whatever the registry " +
				"serves at pull time: two replicas can run different code, a rollback does not " +
				"roll back, and a scan or review of the image is not about what runs. Any tag can " +
				"be moved by whoever can push to the repository; a digest (image@sha256:...) " +
				"cannot. FAIL: latest or no tag; WARN: a tag without a digest.",
			Remediation: "Reference images by digest (registry/repo@sha256:..., optionally " +
				"registry/repo:1.2.3@sha256:... to keep the tag readable), as a release pipeline or " +
				"a tool such as kustomize images[].digest writes it; the digest a pod runs now is in " +
				"its status.containerStatuses[].imageID. At the least, use a specific version tag " +
				"that is never re-pushed, never latest.",
		},
		Inputs:   inputs,
		Evaluate: imageImmutable,
	})
}

func imageImmutable(s *snapshot.Snapshot) []checks.Result {
	cache, ls := imageCache{}, newLines()
	// pods maps a pod's metadata to the pod, to read the digests it runs; built on first need.
	var pods map[*metav1.ObjectMeta]*corev1.Pod
	running := func(m *metav1.ObjectMeta, kind, name string) string {
		if pods == nil {
			pods = make(map[*metav1.ObjectMeta]*corev1.Pod, len(s.Pods))
			for i := range s.Pods {
				pods[&s.Pods[i].ObjectMeta] = &s.Pods[i]
			}
		}
		if p := pods[m]; p != nil { // nil: a template
			return runningImage(&p.Status, kind, name)
		}
		return ""
	}
	return evaluateGraded(s, func(m *metav1.ObjectMeta, spec *corev1.PodSpec) (checks.Status, string) {
		var f findings
		eachContainer(spec, func(kind string, c *corev1.Container) {
			r := cache.get(c.Image)
			if r.err == nil && r.digest != "" {
				return
			}
			// Replicas that run different digests under one tag get different messages, so the
			// evidence shows the drift.
			run := running(m, kind, c.Name)
			ls.addVariant(&f, kind, c, c.Image, run, func() (checks.Status, string) {
				st, msg := immutability(r, c.Image)
				if run != "" {
					msg += ", runs " + run
				}
				return st, msg
			})
		})
		return f.resultWith(ls)
	}, "every image pinned by digest", "every image referenced by digest (repo@sha256:... or repo:tag@sha256:...); never latest or no tag")
}

// runningImage is the pinned reference of the image a pod's container runs, from its
// status.*containerStatuses[].imageID ("docker.io/library/nginx@sha256:...";
// "docker-pullable://" under Docker), or "" when the status has none (a pod not started, or a
// runtime that reports only the local image id, which cannot be pulled).
func runningImage(st *corev1.PodStatus, kind, name string) string {
	statuses := st.ContainerStatuses
	switch kind {
	case "initContainer":
		statuses = st.InitContainerStatuses
	case "ephemeralContainer":
		statuses = st.EphemeralContainerStatuses
	}
	for i := range statuses {
		if statuses[i].Name != name {
			continue
		}
		id := strings.TrimPrefix(statuses[i].ImageID, "docker-pullable://")
		if !strings.Contains(id, "@sha256:") {
			return ""
		}
		return id
	}
	return ""
}

// immutability grades one image reference.
func immutability(r *imageRef, image string) (checks.Status, string) {
	switch {
	case r.err != nil:
		return checks.Fail, `image "` + image + `" is not a valid image reference: ` + r.err.Error()
	case r.digest != "":
		return checks.Pass, ""
	case r.tag == "":
		return checks.Fail, `image "` + image + `" has no tag and no digest (pulls ` + r.name() + `:latest)`
	case r.tag == "latest":
		return checks.Fail, `image "` + image + `" uses the tag latest without a digest`
	}
	return checks.Warn, `image "` + image + `" has a tag but no digest`
}
