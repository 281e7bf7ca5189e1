package workload

import (
	"fmt"
	"strings"

	"github.com/distribution/reference"
	corev1 "k8s.io/api/core/v1"

	"github.com/kubeposture/kubeposture/checks"
)

// Image references, as the container runtimes read them: github.com/distribution/reference's
// ParseNormalizedNamed is the parser containerd, CRI-O (through containers/image's copy of it)
// and the kubelet (pkg/util/parsers) use, so "nginx", "docker.io/nginx",
// "index.docker.io/library/nginx" and "docker.io/library/nginx" are one image, and the first
// path element of "localhost:5000/app" is a registry with a port, not a repository with a tag.

// imageRef is one parsed image reference.
type imageRef struct {
	// err is why the reference does not parse; the runtime cannot pull it either.
	err error
	// domain is the registry host (with its port), Docker Hub normalised to "docker.io";
	// path is the repository in it ("library/nginx").
	domain, path string
	tag          string
	digest       string
}

func parseImage(image string) imageRef {
	if image == "" {
		return imageRef{err: fmt.Errorf("empty image")}
	}
	named, err := reference.ParseNormalizedNamed(image)
	if err != nil {
		return imageRef{err: err}
	}
	r := imageRef{domain: reference.Domain(named), path: reference.Path(named)}
	if t, ok := named.(reference.Tagged); ok {
		r.tag = t.Tag()
	}
	if d, ok := named.(reference.Digested); ok {
		r.digest = d.Digest().String()
	}
	return r
}

// name is the normalised repository, "docker.io/library/nginx".
func (r *imageRef) name() string { return r.domain + "/" + r.path }

// mutable says the reference names whatever "latest" points to at pull time: no digest, and
// the tag is "latest" or absent (which the runtime reads as "latest"). The API server's
// imagePullPolicy default follows the same rule (k8s.io/kubernetes pkg/apis/core/v1
// defaults.go: Always when the parsed tag is "latest", where an absent tag without digest
// parses as "latest").
func (r *imageRef) mutable() bool { return r.digest == "" && (r.tag == "" || r.tag == "latest") }

// imageCache parses each distinct image string once per evaluation: replicas and the
// containers of a cluster repeat a few hundred images across thousands of pods. Not safe for
// concurrent use; each check call has its own.
type imageCache map[string]*imageRef

func (c imageCache) get(image string) *imageRef {
	if r, ok := c[image]; ok {
		return r
	}
	r := parseImage(image)
	c[image] = &r
	return &r
}

// eachContainer calls f for every container of spec: init containers, containers and
// ephemeral containers, with the kind its evidence names it by.
func eachContainer(spec *corev1.PodSpec, f func(kind string, c *corev1.Container)) {
	for i := range spec.InitContainers {
		f("initContainer", &spec.InitContainers[i])
	}
	for i := range spec.Containers {
		f("container", &spec.Containers[i])
	}
	for i := range spec.EphemeralContainers {
		f("ephemeralContainer", (*corev1.Container)(&spec.EphemeralContainers[i].EphemeralContainerCommon))
	}
}

// findings gathers the per-container messages of one pod spec and their worst status.
type findings struct {
	b      strings.Builder
	status checks.Status
}

// add records a message about a container at status st (Fail or Warn).
func (f *findings) add(st checks.Status, kind, name, msg string) {
	if f.b.Len() > 0 {
		f.b.WriteString("; ")
	}
	f.b.WriteString(kind)
	f.b.WriteString(` "`)
	f.b.WriteString(name)
	f.b.WriteString(`" `)
	f.b.WriteString(msg)
	if f.status == "" {
		f.status = st
	} else {
		f.status = worse(f.status, st)
	}
}

// result is the grade of the spec: Pass and "" when nothing was added.
func (f *findings) result() (checks.Status, string) {
	if f.b.Len() == 0 {
		return checks.Pass, ""
	}
	return f.status, f.b.String()
}
