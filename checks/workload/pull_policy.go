/*
KP-WL-022: images named by a mutable tag are always pulled.

Source: Kubernetes documentation, "Images: image pull policy" (with IfNotPresent a node runs
the copy it already has; the API server defaults imagePullPolicy to Always only when the tag is
latest or absent, k8s.io/kubernetes pkg/apis/core/v1/defaults.go), and NSA/CISA Kubernetes
Hardening Guide v1.2, "Upgrading and application security practices" (run patched images).
The policy in the pod is what the kubelet obeys. With a tag that is meant to move (latest, or
no tag) and IfNotPresent or Never, each node keeps running whatever it pulled first: replicas
on different nodes run different images, and a fixed image never reaches the node that has
the old one. The AlwaysPullImages admission plugin (KP-CP-012, CIS 1.2.11) rewrites the policy
of pods, not of templates: the template is still reported, and its pods show Always.

Unit: each top-level workload (see workloads.go), template and pods.

Fields read, in containers, initContainers and ephemeralContainers: image (parsed as the
runtimes do, see images.go) and imagePullPolicy.

	WARN  no digest, tag latest or no tag, and imagePullPolicy IfNotPresent or Never
	PASS  a digest (any policy: the content cannot change), a tag other than latest (KP-WL-020
	      reports it is not pinned), or policy Always or unset (the API server sets Always for
	      latest or no tag; an unset policy is only seen in manifests read with -f)

An image that is not a valid reference is left to KP-WL-020.
*/

package workload

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:       "KP-WL-022",
			Title:    "Images named by latest or no tag are always pulled (imagePullPolicy)",
			Layer:    checks.Workload,
			Severity: checks.Low,
			Description: "With imagePullPolicy IfNotPresent or Never, a node runs the image it pulled " +
				"first. For an image named by latest, or by no tag, that means replicas on different " +
				"nodes run different code, and an update of the image never reaches the nodes that " +
				"have an old copy. The API server would have defaulted the policy to Always for such " +
				"an image; it was set otherwise explicitly.",
			Remediation: "Pin the image by digest (KP-WL-020), which makes the pull policy irrelevant; " +
				"otherwise set imagePullPolicy: Always (or remove the field) on the container. The " +
				"AlwaysPullImages admission plugin enforces Always cluster-wide.",
		},
		Inputs:   inputs,
		Evaluate: pullPolicy,
	})
}

func pullPolicy(s *snapshot.Snapshot) []checks.Result {
	cache, ls := imageCache{}, newLines()
	return evaluateGraded(s, func(_ *metav1.ObjectMeta, spec *corev1.PodSpec) (checks.Status, string) {
		var f findings
		eachContainer(spec, func(kind string, c *corev1.Container) {
			if c.ImagePullPolicy != corev1.PullIfNotPresent && c.ImagePullPolicy != corev1.PullNever {
				return
			}
			ls.addVariant(&f, kind, c, c.Image, string(c.ImagePullPolicy), func() (checks.Status, string) {
				if r := cache.get(c.Image); r.err == nil && r.mutable() {
					return checks.Warn, `image "` + c.Image + `" (no digest, tag latest or none) with imagePullPolicy ` + string(c.ImagePullPolicy)
				}
				return checks.Pass, ""
			})
		})
		return f.resultWith(ls)
	}, "no image named by latest or no tag with imagePullPolicy IfNotPresent or Never",
		"imagePullPolicy Always (or a digest) for every image named by latest or no tag")
}
