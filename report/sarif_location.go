package report

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
	"sigs.k8s.io/yaml"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/internal/privatefile"
	"github.com/kubeposture/kubeposture/internal/yamlpos"
	"github.com/kubeposture/kubeposture/snapshot"
)

// SARIFOptions say where the results of a SARIF log point. The zero value locates manifest
// files relative to the working directory and cluster objects by their URIs alone.
type SARIFOptions struct {
	// Base is the directory (a repository's root) that the paths of manifest files and
	// Artifacts are made relative to, named %SRCROOT% in the log; "" is the working directory,
	// and leaves the directory's own path out of the log.
	Base string
	// Snapshot is the scan's snapshot: where each manifest object is in its file, and the
	// objects Artifacts writes. Without it, results point at files, not lines.
	Snapshot *snapshot.Snapshot
	// Artifacts is a directory where each object a result is about is written, as the
	// snapshot holds it, at the path the result names (ClusterURI): a repository that commits
	// them shows each alert on its line. "" writes none.
	Artifacts string
	// Warn receives what the log leaves out; nil discards it.
	Warn io.Writer
}

// srcRoot is the uriBaseId of every relative URI the log holds.
const srcRoot = "%SRCROOT%"

// clusterDir is where a cluster's objects are, below the base: kubernetes/<cluster>/.
const clusterDir = "kubernetes"

// clusterScoped stands for the namespace of a cluster-scoped object in its URI; no namespace
// is named so (a namespace name is a DNS label, which has no underscore).
const clusterScoped = "_cluster"

// ClusterURI is where the results on resource r of a cluster (not of a manifest file) point:
// "kubernetes/<cluster>/<namespace>/<Kind>/<name>.yaml", "_cluster" for the namespace of a
// cluster-scoped object, and "kubernetes/<cluster>/cluster.yaml" for the cluster itself. The
// same object gives the same URI on every scan, so that alerts on it are one alert.
func ClusterURI(cluster string, r checks.Resource) string {
	if r.Name == "" && r.Namespace == "" {
		if r.Kind == "Cluster" || r.Kind == "" {
			return path.Join(clusterDir, segment(cluster), "cluster.yaml")
		}
		return path.Join(clusterDir, segment(cluster), clusterScoped, segment(r.Kind)+".yaml")
	}
	ns := clusterScoped
	if r.Namespace != "" {
		ns = segment(r.Namespace)
	}
	return path.Join(clusterDir, segment(cluster), ns, segment(r.Kind), segment(r.Name)+".yaml")
}

// segment makes s one safe path segment, the same on disk (--sarif-artifacts) and in the URI:
// a character a URI path may not hold as it is (RFC 3986 pchar: a space in a node group's
// name, a slash) becomes "_".
func segment(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			return r
		case strings.ContainsRune("-._~!$&'()*+,;=:@", r):
			return r
		}
		return '_'
	}, s)
	if s == "" || s == "." || s == ".." {
		return "_"
	}
	return s
}

// sarifClusterName names the cluster in URIs and the run's category: the kube-system namespace's
// UID (stable for the cluster's life, unlike a context name or server address); "manifests"
// for a scan of manifest files; "unknown-cluster" when the UID could not be read.
func sarifClusterName(rep *checks.Report) string {
	switch {
	case rep.Cluster.UID != "":
		return rep.Cluster.UID
	case len(rep.Sources) > 0:
		return "manifests"
	}
	return "unknown-cluster"
}

// locator places each result of a log in a file and a region of it.
type locator struct {
	rep     *checks.Report
	opts    SARIFOptions
	cluster string
	base    string // absolute, links resolved
	// clusterPrefix is the URI of the artifacts directory relative to the base ("" when it is
	// the base), or an absolute file URI when it is outside it.
	clusterPrefix string
	files         map[string]string                   // manifest path → URI
	artifacts     map[string]*snapshot.SourcePosition // resource → its artifact's positions
	objects       map[string]any                      // snapshot objects by resource key, built once
}

func newLocator(rep *checks.Report, opts SARIFOptions) (*locator, error) {
	l := &locator{rep: rep, opts: opts, cluster: sarifClusterName(rep), files: map[string]string{}, artifacts: map[string]*snapshot.SourcePosition{}}
	base := opts.Base
	if base == "" {
		base = "."
	}
	var err error
	if l.base, err = realPath(base); err != nil {
		return nil, fmt.Errorf("SARIF base %s: %w", base, err)
	}
	if opts.Artifacts != "" {
		if err := os.MkdirAll(opts.Artifacts, 0o755); err != nil {
			return nil, fmt.Errorf("SARIF artifacts: %w", err)
		}
		dir, err := realPath(opts.Artifacts)
		if err != nil {
			return nil, fmt.Errorf("SARIF artifacts %s: %w", opts.Artifacts, err)
		}
		l.clusterPrefix = l.relative(dir)
	}
	return l, nil
}

// realPath is p made absolute, with its links resolved when it exists: GitHub shows no result
// located in a file through a link.
func realPath(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		return real, nil
	}
	return abs, nil
}

// relative is the URI of the absolute path p: relative to the base when it is in it, else an
// absolute file URI.
func (l *locator) relative(p string) string {
	rel, err := filepath.Rel(l.base, p)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return (&url.URL{Scheme: "file", Path: filepath.ToSlash(p)}).String()
	}
	if rel == "." {
		return ""
	}
	return (&url.URL{Path: filepath.ToSlash(rel)}).String()
}

// originalURIBaseIDs is the run's definition of %SRCROOT%, when the base was given.
func (l *locator) originalURIBaseIDs() map[string]sarif.ArtifactLocation {
	if l.opts.Base == "" {
		return nil
	}
	root := (&url.URL{Scheme: "file", Path: filepath.ToSlash(l.base)}).String()
	if !strings.HasSuffix(root, "/") {
		root += "/"
	}
	loc := sarif.NewArtifactLocation().WithURI(root)
	loc.WithDescription(sarif.NewTextMessage("The directory manifest paths are relative to (--sarif-base): the repository's root."))
	return map[string]sarif.ArtifactLocation{srcRoot: *loc}
}

// locate returns the physical location of result r: the line of a manifest file, or the
// object's file under kubernetes/<cluster>/ (written into Artifacts when asked).
func (l *locator) locate(r *checks.Result) (*sarif.PhysicalLocation, error) {
	key := r.Resource.String()
	if file := l.rep.Sources[key]; file != "" {
		lines := snapshot.LineRange{Start: 1, End: 1}
		if s := l.opts.Snapshot; s != nil {
			if pos, ok := s.SourcePositions[key]; ok {
				lines = yamlpos.Resolve(pos, r.Evidence.Where, r.Evidence.Observed)
			}
		}
		return l.physical(l.fileURI(file), lines), nil
	}
	uri := ClusterURI(l.cluster, r.Resource)
	lines := snapshot.LineRange{Start: 1, End: 1}
	if l.opts.Artifacts != "" {
		pos, err := l.artifact(r.Resource, uri)
		if err != nil {
			return nil, err
		}
		if pos != nil {
			lines = yamlpos.Resolve(*pos, r.Evidence.Where, r.Evidence.Observed)
		}
		switch {
		case strings.HasPrefix(l.clusterPrefix, "file:"):
			uri = strings.TrimSuffix(l.clusterPrefix, "/") + "/" + uri
		case l.clusterPrefix != "":
			uri = l.clusterPrefix + "/" + uri
		}
	}
	return l.physical(uri, lines), nil
}

func (l *locator) physical(uri string, lines snapshot.LineRange) *sarif.PhysicalLocation {
	loc := sarif.NewArtifactLocation().WithURI(uri)
	if !strings.HasPrefix(uri, "file:") {
		loc.WithURIBaseID(srcRoot)
	}
	region := sarif.NewRegion().WithStartLine(max(lines.Start, 1)).WithEndLine(max(lines.End, lines.Start, 1))
	if lines.Column > 0 {
		region.WithStartColumn(lines.Column)
	}
	return sarif.NewPhysicalLocation().WithArtifactLocation(loc).WithRegion(region)
}

// fileURI is the URI of a manifest file, as the scan named it.
func (l *locator) fileURI(file string) string {
	if uri, ok := l.files[file]; ok {
		return uri
	}
	uri := file
	if p, err := realPath(filepath.FromSlash(file)); err == nil {
		uri = l.relative(p)
	}
	l.files[file] = uri
	return uri
}

// artifact writes the object res is about, once, and returns where its fields are in what was
// written; nil when the snapshot holds no such object.
func (l *locator) artifact(res checks.Resource, uri string) (*snapshot.SourcePosition, error) {
	key := res.String()
	if pos, ok := l.artifacts[key]; ok {
		return pos, nil
	}
	l.artifacts[key] = nil
	obj := l.object(res)
	if obj == nil {
		return nil, nil
	}
	doc, err := yaml.Marshal(obj)
	if err != nil {
		return nil, fmt.Errorf("SARIF artifact %s: %w", key, err)
	}
	file := filepath.Join(l.opts.Artifacts, filepath.FromSlash(uri))
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return nil, fmt.Errorf("SARIF artifacts: %w", err)
	}
	if err := privatefile.WriteFile(file, func(w io.Writer) error { _, err := w.Write(doc); return err }); err != nil {
		return nil, fmt.Errorf("SARIF artifacts: %w", err)
	}
	node, err := yamlpos.Parse(doc)
	if err != nil || node == nil {
		return nil, nil
	}
	pos := yamlpos.Object(node, 0)
	l.artifacts[key] = &pos
	return &pos, nil
}

// object is what the snapshot holds of res, ready to write: a Kubernetes object with its
// apiVersion and kind, the component read from a control-plane pod, or the cluster's identity.
// Secrets are metadata and type only in a snapshot, so no secret value can be written.
func (l *locator) object(res checks.Resource) any {
	s := l.opts.Snapshot
	if s == nil {
		return nil
	}
	if res.Kind == "Cluster" && res.Name == "" {
		return s.Cluster
	}
	if l.objects == nil {
		l.objects = indexObjects(s)
	}
	return l.objects[res.String()]
}

// indexObjects maps the resource key of every object of s a result can be about to what is
// written for it.
func indexObjects(s *snapshot.Snapshot) map[string]any {
	out := map[string]any{}
	for _, k := range snapshot.CollectedKinds {
		apiVersion := k.GVK.GroupVersion().String()
		for meta, obj := range k.Objects(s) {
			r := checks.Resource{Kind: k.GVK.Kind, Name: meta.Name}
			if k.Namespaced {
				r.Namespace = meta.Namespace
			}
			out[r.String()] = typed{APIVersion: apiVersion, Kind: k.GVK.Kind, Object: obj}
		}
	}
	for i := range s.ControlPlane {
		c := &s.ControlPlane[i]
		out[checks.Resource{Kind: "Component", Namespace: c.Namespace, Name: c.Pod}.String()] = c
	}
	return out
}

// typed is an object of a snapshot's list with the apiVersion and kind a list's items lack.
type typed struct {
	APIVersion string
	Kind       string
	Object     any
}

func (t typed) MarshalJSON() ([]byte, error) {
	raw, err := json.Marshal(t.Object)
	if err != nil {
		return nil, err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	m["apiVersion"], _ = json.Marshal(t.APIVersion)
	m["kind"], _ = json.Marshal(t.Kind)
	return json.Marshal(m)
}
