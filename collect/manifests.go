package collect

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/kubernetes/scheme"

	kubeposture "github.com/kubeposture/kubeposture"
	"github.com/kubeposture/kubeposture/internal/sizelimit"
	"github.com/kubeposture/kubeposture/internal/strictyaml"
	"github.com/kubeposture/kubeposture/internal/yamlpos"
	"github.com/kubeposture/kubeposture/snapshot"
)

// Manifests is what ReadManifests made of manifests on disk: a snapshot of the objects the
// checks read, and the objects it kept out of it.
type Manifests struct {
	Snapshot *snapshot.Snapshot
	// Unknown are objects of kinds (or versions) the checks do not read, such as a
	// Kustomization or a CRD's object: recorded so that the user sees they were not judged.
	Unknown []ManifestObject
	// NotObjects are documents that are no Kubernetes object at all (no apiVersion and
	// kind: a kustomization.yaml, a Helm values file, a dashboard's JSON): skipped, and
	// recorded so that the user is told.
	NotObjects []ManifestObject
}

// ManifestObject names one document of one file.
type ManifestObject struct {
	File string `json:"file"`
	// Index is the document's position in the file, from 0 (items of a List count as
	// their own documents after it: "3.1" is the second item of document 3).
	Index     string `json:"index"`
	Kind      string `json:"kind"`
	Name      string `json:"name,omitempty"`
	Namespace string `json:"namespace,omitempty"`
}

func (o ManifestObject) String() string {
	return fmt.Sprintf("%s %s/%s (%s, document %s)", o.Kind, o.Namespace, o.Name, o.File, o.Index)
}

// workloadResources are recorded as collected even when no manifest has one: a workload
// control judges each pod template on its own, so "none in these manifests" is a fact
// about what was given, not a gap. Every other kind is recorded only when a manifest has
// one, so that the controls that need cluster state (network policies, RBAC, the control
// plane) report NOT_EVALUATED on a manifests-only scan instead of passing on an empty list.
var workloadResources = []snapshot.Resource{
	snapshot.ResPods, snapshot.ResDeployments, snapshot.ResStatefulSets, snapshot.ResDaemonSets,
	snapshot.ResReplicaSets, snapshot.ResJobs, snapshot.ResCronJobs,
}

// manifestExtensions are the file names a directory walk reads, as kubectl -f does.
var manifestExtensions = map[string]bool{".yaml": true, ".yml": true, ".json": true}

// ReadManifests reads Kubernetes manifests into a snapshot, as `kubectl apply -f` reads
// them: each path is a file (read whatever its name) or a directory (its .yaml, .yml and
// .json files, recursively, in lexical order); a file holds YAML documents separated by
// "---", or JSON, and a document may be a List. A namespaced object without a namespace
// lands in "default", as kubectl would put it. Secrets keep their type and the metadata the checks read (secretMeta).
// A document that does not decode fails the read, naming the file and document index.
func ReadManifests(paths []string) (*Manifests, error) {
	return ReadManifestsStdin(paths, nil)
}

// ReadManifestsStdin is ReadManifests where the path "-" is stdin, as for kubectl -f -.
func ReadManifestsStdin(paths []string, stdin io.Reader) (*Manifests, error) {
	if len(paths) == 0 {
		return nil, errors.New("no manifest file or directory given")
	}
	m := newManifests()
	for _, p := range paths {
		if p == "-" && stdin != nil {
			if err := m.decode("-", stdin); err != nil {
				return nil, err
			}
			continue
		}
		files, err := manifestFiles(p)
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			if err := m.readFile(f); err != nil {
				return nil, err
			}
		}
	}
	m.finish()
	return m, nil
}

func newManifests() *Manifests {
	s := snapshot.New()
	s.CollectedAt = time.Now().UTC()
	s.ToolVersion = kubeposture.Version()
	s.Cluster.Provider = snapshot.ProviderUnknown
	for _, r := range workloadResources {
		s.Resources[r] = snapshot.Collection{State: snapshot.Collected}
	}
	return &Manifests{Snapshot: s}
}

func manifestFiles(p string) ([]string, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, fmt.Errorf("--filename %s: %w", p, err)
	}
	if !st.IsDir() {
		return []string{p}, nil
	}
	var out []string
	err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && manifestExtensions[strings.ToLower(filepath.Ext(path))] {
			out = append(out, path)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("--filename %s: %w", p, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("--filename %s: no .yaml, .yml or .json file in this directory", p)
	}
	return out, nil // WalkDir visits in lexical order
}

func (m *Manifests) readFile(name string) error {
	f, err := os.Open(name)
	if err != nil {
		return fmt.Errorf("read manifests: %w", err)
	}
	defer f.Close()
	return m.decode(name, f)
}

// decode adds the documents of one file's content to m; file names it in errors. Each
// document is read up to sizelimit.ManifestDocument, and refused beyond it unread.
func (m *Manifests) decode(file string, content io.Reader) error {
	lr := sizelimit.NewReader(content, sizelimit.ManifestDocument, "a manifest document")
	r := utilyaml.NewYAMLReader(bufio.NewReader(lr))
	// offset counts the lines before the document: each Read takes the lines of the document
	// it returns and the "---" line that ends it.
	offset := 0
	for i := 0; ; i++ {
		lr.Next()
		doc, err := r.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: document %d: %w", file, i, err)
		}
		docOffset := offset
		offset += bytes.Count(doc, []byte("\n")) + 1
		// Duplicate keys are refused, as kubectl's and the API server's strict field
		// validation refuse them: which of the two values counts is the parser's choice
		// ("privileged: true" then "privileged: false"), and another tool may choose the
		// other.
		js, err := strictyaml.ToJSON(doc)
		if err != nil {
			return fmt.Errorf("%s: document %d: %w", file, i, err)
		}
		// The positions of the objects' fields, for findings to point at lines: a document
		// the strict parser took but the position parser does not is located by file only.
		node, _ := yamlpos.Parse(doc)
		if err := m.decodeDocument(file, fmt.Sprint(i), js, located{node, docOffset}); err != nil {
			return err
		}
	}
}

// located is a document's YAML node (nil when unknown) and the lines of its file before it.
type located struct {
	node   *yamlpos.Node
	offset int
}

// probe is what a document says of itself, read before it is decoded.
type probe struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name      string `json:"name"`
		Namespace string `json:"namespace"`
	} `json:"metadata"`
}

// decodeDocument decodes one document, in JSON (the items of a List are).
func (m *Manifests) decodeDocument(file, index string, js []byte, at located) error {
	// A document of comments or whitespace only (between two "---") is no object.
	if t := bytes.TrimSpace(js); bytes.Equal(t, []byte("null")) || bytes.Equal(t, []byte("{}")) {
		return nil
	}
	var p probe
	if err := json.Unmarshal(js, &p); err != nil || (p.APIVersion == "" && p.Kind == "") {
		m.NotObjects = append(m.NotObjects, ManifestObject{File: file, Index: index})
		return nil
	}
	obj, gvk, err := scheme.Codecs.UniversalDeserializer().Decode(js, nil, nil)
	if runtime.IsNotRegisteredError(err) {
		m.unknown(file, index, p)
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s: document %s: %w (a Kubernetes object needs apiVersion and kind)", file, index, err)
	}
	if l, ok := obj.(*corev1.List); ok {
		items := yamlpos.Items(at.node)
		for j, item := range l.Items {
			itemAt := located{offset: at.offset}
			if len(items) == len(l.Items) {
				itemAt.node = items[j]
			}
			if err := m.decodeDocument(file, fmt.Sprintf("%s.%d", index, j), item.Raw, itemAt); err != nil {
				return err
			}
		}
		return nil
	}
	var k snapshot.CollectedKind
	known := false
	if gvk != nil {
		k, known = manifestKinds[*gvk]
	}
	meta, isObject := obj.(metav1.Object)
	if !known || !isObject || !m.add(k, obj, meta) {
		m.unknown(file, index, p)
		return nil
	}
	m.source(k, meta, file, at)
	return nil
}

// manifestKinds are the kinds the checks read, by the group, version and kind a document
// gives (no other version is converted: apps/v1beta1 is not apps/v1).
var manifestKinds = func() map[schema.GroupVersionKind]snapshot.CollectedKind {
	m := map[schema.GroupVersionKind]snapshot.CollectedKind{}
	for _, k := range snapshot.CollectedKinds {
		m[k.GVK] = k
	}
	return m
}()

// source records the file an object came from, and where in it, keyed as
// checks.Resource.String names it.
func (m *Manifests) source(k snapshot.CollectedKind, meta metav1.Object, file string, at located) {
	kind := k.GVK.Kind
	key := kind + "/" + meta.GetName()
	if ns := meta.GetNamespace(); ns != "" && kind != "Namespace" {
		key = kind + "/" + ns + "/" + meta.GetName()
	}
	if m.Snapshot.Sources == nil {
		m.Snapshot.Sources = map[string]string{}
	}
	m.Snapshot.Sources[key] = filepath.ToSlash(file)
	if at.node != nil && at.node.Kind == yamlpos.MappingNode {
		if m.Snapshot.SourcePositions == nil {
			m.Snapshot.SourcePositions = map[string]snapshot.SourcePosition{}
		}
		pos := yamlpos.Object(at.node, at.offset)
		if kind == "Secret" {
			// The names of a secret's keys stay out of the snapshot, as its data does.
			pos.Fields = nil
		}
		m.Snapshot.SourcePositions[key] = pos
	}
}

func (m *Manifests) unknown(file, index string, p probe) {
	o := ManifestObject{File: file, Index: index, Kind: p.Kind, Name: p.Metadata.Name, Namespace: p.Metadata.Namespace}
	if p.APIVersion != "" {
		o.Kind = schema.FromAPIVersionAndKind(p.APIVersion, p.Kind).GroupKind().String()
	}
	m.Unknown = append(m.Unknown, o)
}

// add stores obj, of kind k, in the snapshot; false if it is not of k's type (which the
// scheme's types and the table's agree it always is).
func (m *Manifests) add(k snapshot.CollectedKind, obj runtime.Object, meta metav1.Object) bool {
	// The live collector's compaction (for a Secret, its allowlist of metadata, the data
	// dropped at once); and the namespace kubectl would give a namespaced object without one.
	if sec, ok := obj.(*corev1.Secret); ok {
		*sec = corev1.Secret{ObjectMeta: secretMeta(&sec.ObjectMeta), Type: sec.Type}
	} else {
		compactMeta(meta)
	}
	if k.Namespaced && meta.GetNamespace() == "" {
		meta.SetNamespace(metav1.NamespaceDefault)
	}
	s := m.Snapshot
	if !k.Add(s, obj) {
		return false
	}
	col := s.Resources[k.Resource]
	col.State = snapshot.Collected
	col.Count++
	s.Resources[k.Resource] = col
	return true
}

// finish sorts the unknown objects for a stable report.
func (m *Manifests) finish() {
	sort.SliceStable(m.Unknown, func(i, j int) bool { return m.Unknown[i].File < m.Unknown[j].File })
}
