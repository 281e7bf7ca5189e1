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
	few    [maxJoined]string // the first messages; beyond maxJoined, b holds them all
	n      int
	b      strings.Builder
	status checks.Status
}

// maxJoined is how many messages a lines cache joins without building a string: pods rarely
// have more containers with something to report.
const maxJoined = 4

// addLine records a message that already names its container.
func (f *findings) addLine(st checks.Status, line string) {
	switch {
	case f.n < maxJoined:
		f.few[f.n] = line
	case f.n == maxJoined:
		for _, l := range f.few {
			f.b.WriteString(l)
			f.b.WriteString("; ")
		}
		fallthrough
	default:
		if f.n > maxJoined {
			f.b.WriteString("; ")
		}
		f.b.WriteString(line)
	}
	f.n++
	if f.status == "" {
		f.status = st
	} else {
		f.status = worse(f.status, st)
	}
}

// resultWith is the grade of the spec: Pass and "" when nothing was added. The same messages
// are joined into one string once per check call (l's cache), not once per replica.
func (f *findings) resultWith(l *lines) (checks.Status, string) {
	switch {
	case f.n == 0:
		return checks.Pass, ""
	case f.n == 1:
		return f.status, f.few[0]
	case f.n > maxJoined:
		return f.status, f.b.String()
	}
	if j, ok := l.joined[f.few]; ok {
		return f.status, j
	}
	j := strings.Join(f.few[:f.n], "; ")
	l.joined[f.few] = j
	return f.status, j
}

// lineKey identifies a container's verdict: its kind, its name, and what the verdict is
// about (the image, a setting, and a second one if needed).
type lineKey struct{ kind, name, detail, variant string }

// line is a container's verdict: its status and message, "" when it complies.
type line struct {
	status checks.Status
	text   string
}

// lines caches container verdicts, and their joins, for one check call: replicas repeat the
// same containers, and building the same text for each of 100,000 pods was most of a check's
// cost. Not safe for concurrent use.
type lines struct {
	byContainer map[lineKey]line
	joined      map[[maxJoined]string]string
}

func newLines() *lines {
	return &lines{byContainer: map[lineKey]line{}, joined: map[[maxJoined]string]string{}}
}

// add records in f the verdict of the container kind/c about detail, computing it with
// judge (which returns the message without the container's name) the first time.
func (l *lines) add(f *findings, kind string, c *corev1.Container, detail string, judge func() (checks.Status, string)) {
	l.addVariant(f, kind, c, detail, "", judge)
}

// addVariant is add for a verdict that depends on two things (an image and a policy).
func (l *lines) addVariant(f *findings, kind string, c *corev1.Container, detail, variant string, judge func() (checks.Status, string)) {
	k := lineKey{kind, c.Name, detail, variant}
	v, seen := l.byContainer[k]
	if !seen {
		st, msg := judge()
		if msg != "" {
			v = line{st, kind + ` "` + c.Name + `" ` + msg}
		}
		l.byContainer[k] = v
	}
	if v.text != "" {
		f.addLine(v.status, v.text)
	}
}
