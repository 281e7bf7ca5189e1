package collect

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	goruntime "runtime"
	"slices"
	"strings"
	"testing"

	"github.com/kubeposture/kubeposture/internal/sizelimit"
	"github.com/kubeposture/kubeposture/snapshot"
	"github.com/kubeposture/kubeposture/snapshot/snapfile"
)

func writeManifest(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestReadManifests(t *testing.T) {
	dir := t.TempDir()
	writeManifest(t, dir, "a.yaml", `# leading comment
---
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx}]
---
apiVersion: v1
kind: Secret
metadata:
  name: creds
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{"data":{"password":"aHVudGVyMg=="}}'
type: Opaque
data: {password: aHVudGVyMg==}
stringData: {token: hunter3}
`)
	writeManifest(t, dir, "sub/list.json", `{"apiVersion":"v1","kind":"List","items":[
 {"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"web","namespace":"shop"}},
 {"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"}}]}`)
	writeManifest(t, dir, "sub/kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [a.yaml]\n")
	writeManifest(t, dir, "README.md", "not a manifest: skipped by the directory walk")
	single := writeManifest(t, t.TempDir(), "pod.txt", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: busybox}]}\n")

	m, err := ReadManifests([]string{dir, single})
	if err != nil {
		t.Fatal(err)
	}
	s := m.Snapshot
	if len(s.Namespaces) != 1 || len(s.Deployments) != 1 || len(s.Secrets) != 1 || len(s.ServiceAccounts) != 1 || len(s.Pods) != 1 {
		t.Fatalf("objects: %d namespaces, %d deployments, %d secrets, %d service accounts, %d pods; want 1 of each",
			len(s.Namespaces), len(s.Deployments), len(s.Secrets), len(s.ServiceAccounts), len(s.Pods))
	}
	if ns := s.Pods[0].Namespace; ns != "default" {
		t.Errorf("pod without namespace landed in %q, want default", ns)
	}
	if ns := s.Namespaces[0].Namespace; ns != "" {
		t.Errorf("a Namespace (cluster-scoped) got namespace %q", ns)
	}
	if sec := s.Secrets[0]; sec.Type != "Opaque" || len(sec.Annotations) != 0 {
		t.Errorf("secret kept as %+v, want type Opaque and the last-applied annotation dropped", sec)
	}
	var raw bytes.Buffer
	if err := snapfile.Write(&raw, s); err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"aHVudGVyMg", "hunter"} {
		if strings.Contains(raw.String(), v) {
			t.Errorf("the snapshot holds the secret's value %q", v)
		}
	}
	want := map[snapshot.Resource]int{snapshot.ResNamespaces: 1, snapshot.ResDeployments: 1, snapshot.ResSecrets: 1,
		snapshot.ResServiceAccounts: 1, snapshot.ResPods: 1, snapshot.ResCronJobs: 0, snapshot.ResJobs: 0}
	for r, n := range want {
		if c := s.Resources[r]; c.State != snapshot.Collected || c.Count != n {
			t.Errorf("resources[%s] = %+v, want collected, count %d", r, c, n)
		}
	}
	for _, r := range []snapshot.Resource{snapshot.ResNetworkPolicies, snapshot.ResRoles, snapshot.ResNodes, snapshot.ResControlPlane} {
		if c, ok := s.Resources[r]; ok {
			t.Errorf("resources[%s] = %+v: no manifest has one, it must stay not collected", r, c)
		}
	}
	var unknown []string
	for _, u := range m.Unknown {
		unknown = append(unknown, u.Kind+" "+u.Name+" "+filepath.Base(u.File)+"#"+u.Index)
	}
	if got, want := strings.Join(unknown, ", "), "Kustomization.kustomize.config.k8s.io  kustomization.yaml#0, Widget.example.com w list.json#0.1"; got != want {
		t.Errorf("unknown = %q, want %q", got, want)
	}
}

func TestReadManifestsErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ name, content, want string }{
		{"bad.yaml", "apiVersion: v1\nkind: Pod\n---\nkind: [unclosed\n", "bad.yaml: document 1"},
		{"nokind.yaml", "apiVersion: v1\nmetadata: {name: x}\n", "nokind.yaml: document 0"},
		{"badfield.yaml", "apiVersion: v1\nkind: Pod\nspec: {containers: 3}\n", "badfield.yaml: document 0"},
		{"badlist.yaml", "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Pod}\n- {kind: Pod}\n", "badlist.yaml: document 0.1"},
	} {
		p := writeManifest(t, dir, tc.name, tc.content)
		_, err := ReadManifests([]string{p})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one naming %q", tc.name, err, tc.want)
		}
	}
	if _, err := ReadManifests([]string{filepath.Join(dir, "missing")}); err == nil {
		t.Error("a missing path gave no error")
	}
	empty := t.TempDir()
	if _, err := ReadManifests([]string{empty}); err == nil || !strings.Contains(err.Error(), "no .yaml") {
		t.Errorf("empty directory: error %v, want one saying it has no manifest", err)
	}
}

// FuzzManifests feeds arbitrary bytes to the manifest parser (files given with -f are
// untrusted input): it must return an error or a snapshot, never panic, and never keep a
// secret's data.
func FuzzManifests(f *testing.F) {
	f.Add([]byte("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: x}]}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {k: c2VjcmV0}\n"))
	f.Add([]byte(`{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"Secret","stringData":{"k":"secret"}}]}`))
	f.Add([]byte("apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  annotations: {kapp.k14s.io/original: '{\"data\":{\"k\":\"c2VjcmV0\"}}'}\n  labels: {a: b}\n"))
	f.Add([]byte("---\n# only a comment\n---\n"))
	f.Add([]byte("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {hostPID: true, hostPID: false}\n"))
	f.Add([]byte(`{"apiVersion":"v1","kind":"Pod","kind":"Secret","metadata":{"name":"p"}}`))
	f.Add([]byte("apiVersion: v1\nkind: List\nitems: [{apiVersion: v1, kind: List, items: []}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m := newManifests()
		if err := m.decode("fuzz.yaml", bytes.NewReader(data)); err != nil {
			if !strings.Contains(err.Error(), "fuzz.yaml") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		for _, s := range m.Snapshot.Secrets {
			for k := range s.Annotations {
				if !slices.Contains(secretAnnotations, k) {
					t.Fatalf("a secret kept annotation %q, which is not on the allowlist", k)
				}
			}
			for k := range s.Labels {
				if !slices.Contains(secretLabels, k) {
					t.Fatalf("a secret kept label %q, which is not on the allowlist", k)
				}
			}
		}
	})
}

// Every collected kind is read from a manifest into its list, in the namespace kubectl would
// give it; another version of the same kind is not converted but reported unknown.
func TestReadManifestsEveryKind(t *testing.T) {
	var docs []string
	for _, k := range snapshot.CollectedKinds {
		docs = append(docs, fmt.Sprintf("apiVersion: %s\nkind: %s\nmetadata: {name: x}\n", k.GVK.GroupVersion(), k.GVK.Kind))
	}
	docs = append(docs, "apiVersion: apps/v1beta1\nkind: Deployment\nmetadata: {name: old}\n")
	m, err := ReadManifests([]string{writeManifest(t, t.TempDir(), "all.yaml", strings.Join(docs, "---\n"))})
	if err != nil {
		t.Fatal(err)
	}
	s := m.Snapshot
	for _, k := range snapshot.CollectedKinds {
		if c := s.Resources[k.Resource]; c.State != snapshot.Collected || c.Count != 1 || k.Len(s) != 1 {
			t.Errorf("%s: resources %+v, %d objects; want one collected", k.Resource, c, k.Len(s))
			continue
		}
		key, ns := k.GVK.Kind+"/x", ""
		if k.Namespaced {
			key, ns = k.GVK.Kind+"/default/x", "default"
		}
		for om := range k.Metas(s) {
			if om.Namespace != ns {
				t.Errorf("%s: namespace %q, want %q", k.Resource, om.Namespace, ns)
			}
		}
		if s.Sources[key] == "" {
			t.Errorf("%s: no source recorded under %q: %v", k.Resource, key, s.Sources)
		}
	}
	if len(m.Unknown) != 1 || m.Unknown[0].Kind != "Deployment.apps" || m.Unknown[0].Name != "old" {
		t.Errorf("unknown = %v, want the apps/v1beta1 Deployment", m.Unknown)
	}
}

// A key given twice is refused, in YAML and JSON, at any depth and in a List's items: the
// last-wins reading ("privileged: true" then "privileged: false") is the parser's choice, and
// kubectl's strict validation refuses such a document.
func TestReadManifestsDuplicateKeys(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ name, content, want string }{
		{"privileged.yaml", `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: c
    image: x
    securityContext:
      privileged: true
      privileged: false
`, `privileged.yaml: document 0`},
		{"second.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: b, name: c}\n", "second.yaml: document 1"},
		{"pod.json", `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"hostPID":true,"hostPID":false,"containers":[{"name":"c","image":"x"}]}}`, "pod.json: document 0"},
		{"list.yaml", "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Namespace, metadata: {name: a}, kind: Secret}\n", "list.yaml: document 0"},
	} {
		p := writeManifest(t, dir, tc.name, tc.content)
		_, err := ReadManifests([]string{p})
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "already set") {
			t.Errorf("%s: error %v, want one naming %q and the key given twice", tc.name, err, tc.want)
		}
	}
}

// endless is a manifest of one line that never ends.
type endless struct{ n int64 }

func (e *endless) Read(p []byte) (int, error) {
	if e.n <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > e.n {
		p = p[:e.n]
	}
	for i := range p {
		p[i] = 'a'
	}
	e.n -= int64(len(p))
	return len(p), nil
}

// A document over sizelimit.ManifestDocument is refused after reading about that much: a
// 256 MiB one-line manifest costs a few times the limit, not its own size many times over.
func TestReadManifestsDocumentLimit(t *testing.T) {
	var before, after goruntime.MemStats
	goruntime.GC()
	goruntime.ReadMemStats(&before)
	m := newManifests()
	err := m.decode("big.yaml", io.MultiReader(strings.NewReader("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {k: "), &endless{n: 256 << 20}))
	goruntime.ReadMemStats(&after)
	if !sizelimit.IsTooLarge(err) || !strings.Contains(err.Error(), "big.yaml: document 0") || !strings.Contains(err.Error(), "16 MiB") {
		t.Fatalf("err = %v, want the document refused at its limit", err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 4*sizelimit.ManifestDocument {
		t.Errorf("refusing the document allocated %d MiB, want at most 4 times the %d MiB limit", alloc>>20, sizelimit.ManifestDocument>>20)
	}
	// The next document starts a new budget: a file of many documents, each under the limit,
	// is read whole.
	var b strings.Builder
	for i := range 40 {
		fmt.Fprintf(&b, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c%d}\ndata: {k: %s}\n---\n", i, strings.Repeat("v", 1<<20))
	}
	m = newManifests()
	if err := m.decode("many.yaml", strings.NewReader(b.String())); err != nil || len(m.Snapshot.ConfigMaps) != 40 {
		t.Errorf("40 documents of 1 MiB: %d read, err %v", len(m.Snapshot.ConfigMaps), err)
	}
}
