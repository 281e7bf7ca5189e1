package snapfile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kubeletv1beta1 "k8s.io/kubelet/config/v1beta1"

	"github.com/kubeposture/kubeposture/snapshot"
)

func ptr[T any](v T) *T { return &v }

// sample returns a small snapshot touching every kind of field a reader relies on.
func sample() *snapshot.Snapshot {
	cpu := resource.MustParse("500m")
	_ = cpu.String() // caches the canonical form, as decoding does, for reflect.DeepEqual
	s := snapshot.New()
	s.Cluster = snapshot.Cluster{UID: "0b5c-uid", Server: "https://10.0.0.1:6443", Version: "v1.33.1", Provider: snapshot.ProviderKubeadm}
	s.CollectedAt = time.Date(2025, 3, 14, 15, 9, 26, 535897932, time.UTC)
	s.ToolVersion = "v0.1.0-test"
	s.Resources[snapshot.ResPods] = snapshot.Collection{State: snapshot.Collected, Count: 1}
	s.Resources[snapshot.ResNodes] = snapshot.Collection{State: snapshot.Collected, Count: 1}
	s.Resources[snapshot.ResKubeletConfigs] = snapshot.Collection{State: snapshot.Partial, Count: 1, Message: "configz unreachable on node-b"}
	s.Resources[snapshot.ResSecrets] = snapshot.Collection{State: snapshot.Collected, Count: 1}
	s.Resources[snapshot.ResRoles] = snapshot.Collection{State: snapshot.Forbidden, Message: `roles.rbac.authorization.k8s.io is forbidden: User "auditor" cannot list`}
	s.Resources[snapshot.ResIngresses] = snapshot.Collection{State: snapshot.NotFound}
	s.Resources[snapshot.ResJobs] = snapshot.Collection{State: snapshot.Failed, Message: "timeout"}
	s.Resources[snapshot.ResControlPlane] = snapshot.Collection{State: snapshot.Collected, Count: 1}
	s.ControlPlane = []snapshot.Component{{
		Name: "kube-apiserver", Namespace: "kube-system", Pod: "kube-apiserver-cp-1", Node: "cp-1",
		Image: "registry.k8s.io/kube-apiserver:v1.33.1", Mirror: true,
		Command: []string{"kube-apiserver", "--anonymous-auth=false", "--profiling"},
		Flags:   []snapshot.Flag{{Name: "anonymous-auth", Value: "false"}, {Name: "profiling", Bare: true}},
		Env:     []corev1.EnvVar{{Name: "GOMAXPROCS", Value: "2"}},
	}}
	kc := &kubeletv1beta1.KubeletConfiguration{
		TypeMeta:                       metav1.TypeMeta{Kind: "KubeletConfiguration", APIVersion: "kubelet.config.k8s.io/v1beta1"},
		ReadOnlyPort:                   10255,
		StreamingConnectionIdleTimeout: metav1.Duration{Duration: 4 * time.Hour},
		Authentication: kubeletv1beta1.KubeletAuthentication{
			Anonymous: kubeletv1beta1.KubeletAnonymousAuthentication{Enabled: ptr(true)},
		},
		MakeIPTablesUtilChains: ptr(true),
	}
	// The logging buffer sizes are quantities without omitempty: Go's zero Quantity encodes
	// as "0", which decodes as a DecimalSI zero. Start from that decoded form.
	zero := resource.MustParse("0")
	_ = zero.String()
	kc.Logging.Options.Text.InfoBufferSize.Quantity = zero
	kc.Logging.Options.JSON.InfoBufferSize.Quantity = zero
	s.Kubelets = []snapshot.Kubelet{
		{Node: "node-a", Collection: snapshot.Collection{State: snapshot.Collected, Count: 1}, Config: kc},
		{Node: "node-b", Collection: snapshot.Collection{State: snapshot.Failed, Message: "configz unreachable"}},
	}
	s.Pods = []corev1.Pod{{
		TypeMeta: metav1.TypeMeta{Kind: "Pod", APIVersion: "v1"},
		ObjectMeta: metav1.ObjectMeta{
			Name: "web-0", Namespace: "shop", UID: "pod-uid",
			Labels: map[string]string{"app": "web"},
			// metav1.Time reads back in the local zone, at second precision.
			CreationTimestamp: metav1.NewTime(time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC).Local()),
		},
		Spec: corev1.PodSpec{
			ServiceAccountName: "web",
			HostNetwork:        true,
			Containers: []corev1.Container{{
				Name:  "app",
				Image: "nginx:1.27",
				SecurityContext: &corev1.SecurityContext{
					Privileged:   ptr(true),
					Capabilities: &corev1.Capabilities{Add: []corev1.Capability{"NET_ADMIN"}},
				},
				Resources: corev1.ResourceRequirements{
					Limits: corev1.ResourceList{corev1.ResourceCPU: cpu},
				},
			}},
		},
	}}
	s.Secrets = []snapshot.SecretMeta{{
		ObjectMeta: metav1.ObjectMeta{Name: "db", Namespace: "shop", Annotations: map[string]string{"owner": "team-a"}},
		Type:       corev1.SecretTypeOpaque,
	}}
	return s
}

func TestRoundTrip(t *testing.T) {
	want := sample()
	if err := want.Validate(); err != nil {
		t.Fatalf("sample does not validate: %v", err)
	}
	path := filepath.Join(t.TempDir(), "snap.json")
	if err := WriteFile(path, want); err != nil {
		t.Fatalf("WriteFile: %v", err)
	}
	if _, err := os.Stat(path + ".tmp"); !os.IsNotExist(err) {
		t.Errorf("WriteFile left its temporary file behind (stat: %v)", err)
	}
	got, err := ReadFile(path)
	if err != nil {
		t.Fatalf("ReadFile: %v", err)
	}
	if !reflect.DeepEqual(want, got) {
		wj, _ := json.MarshalIndent(want, "", "  ")
		gj, _ := json.MarshalIndent(got, "", "  ")
		t.Fatalf("round trip changed the snapshot:\nwant %s\ngot  %s", wj, gj)
	}
	// Spot checks of what the checks rely on, in case the semantic comparison is lenient.
	if !reflect.DeepEqual(want.Resources, got.Resources) {
		t.Errorf("resources: want %v, got %v", want.Resources, got.Resources)
	}
	if c := got.Kubelets[0].Config; c == nil || c.Authentication.Anonymous.Enabled == nil || !*c.Authentication.Anonymous.Enabled ||
		c.StreamingConnectionIdleTimeout.Duration != 4*time.Hour {
		t.Errorf("kubelet config not preserved: %+v", c)
	}
	if got.Kubelets[1].Config != nil {
		t.Errorf("kubelet without config read back with one")
	}
	if q := got.Pods[0].Spec.Containers[0].Resources.Limits[corev1.ResourceCPU]; q.MilliValue() != 500 {
		t.Errorf("cpu limit: want 500m, got %s", q.String())
	}
	if v, ok := got.Component("kube-apiserver").Flag("profiling"); !ok || v != "true" {
		t.Errorf("bare flag: got %q, %v", v, ok)
	}

	// The encoding is stable: writing what was read gives the same bytes.
	var b1, b2 bytes.Buffer
	if err := Write(&b1, want); err != nil {
		t.Fatal(err)
	}
	if err := Write(&b2, got); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b1.Bytes(), b2.Bytes()) {
		t.Errorf("re-encoding differs:\n%s\n%s", b1.Bytes(), b2.Bytes())
	}
	if strings.Contains(b1.String(), `\u003c`) || strings.Contains(b1.String(), `"data"`) {
		t.Errorf("unexpected HTML escaping or secret data in %s", b1.String())
	}
}

func TestNewIsValid(t *testing.T) {
	s := snapshot.New()
	if err := s.Validate(); err != nil {
		t.Fatalf("New().Validate(): %v", err)
	}
	var b bytes.Buffer
	if err := Write(&b, s); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(&b); err != nil {
		t.Fatalf("Read(Write(snapshot.New())): %v", err)
	}
}

const head = `"apiVersion":"kubeposture.io/v1alpha1","kind":"Snapshot"`

// malformed lists inputs that Read must reject, with what its error must say: the problem,
// and the field where there is one.
var malformed = []struct {
	name string
	in   string
	want []string
}{
	{"empty", ``, []string{"empty file"}},
	{"whitespace", " \n\t\n", []string{"empty file"}},
	{"long whitespace", strings.Repeat(" ", 5000), []string{"empty file"}},
	{"not JSON", `kubectl get pods`, []string{"invalid JSON at byte 1"}},
	{"YAML", "apiVersion: kubeposture.io/v1alpha1\nkind: Snapshot\n", []string{"invalid JSON"}},
	{"truncated", `{` + head + `,"resources":{"pods":{"state":"coll`, []string{"truncated JSON"}},
	{"truncated after value", `{` + head + `,"resources":{}`, []string{"truncated JSON"}},
	{"array document", `[{` + head + `}]`, []string{"not a snapshot", "array"}},
	{"number document", `42`, []string{"not a snapshot", "number"}},
	{"null document", `null`, []string{"apiVersion/kind", "missing"}},
	{"wrong apiVersion", `{"apiVersion":"kubeposture.io/v2","kind":"Snapshot","resources":{}}`, []string{"apiVersion/kind", `"kubeposture.io/v2"`, `"kubeposture.io/v1alpha1"`}},
	{"wrong kind", `{"apiVersion":"kubeposture.io/v1alpha1","kind":"Report","resources":{}}`, []string{"apiVersion/kind", `"Report"`}},
	{"missing apiVersion and kind", `{"resources":{}}`, []string{"apiVersion/kind", "missing", "not a kubeposture snapshot"}},
	{"missing kind", `{"apiVersion":"kubeposture.io/v1alpha1","resources":{}}`, []string{"apiVersion/kind", `""`}},
	{"resources missing", `{` + head + `}`, []string{"field resources", "missing"}},
	{"resources null", `{` + head + `,"resources":null}`, []string{"field resources", "missing"}},
	{"unknown state", `{` + head + `,"resources":{"pods":{"state":"weird","count":1}}}`, []string{`resources["pods"].state`, `unknown state "weird"`}},
	{"empty state", `{` + head + `,"resources":{"pods":{"count":1}}}`, []string{`resources["pods"].state`, "unknown state"}},
	{"negative count", `{` + head + `,"resources":{"pods":{"state":"collected","count":-3}}}`, []string{`resources["pods"].count`, "negative count -3"}},
	{"count as string", `{` + head + `,"resources":{"pods":{"state":"collected","count":"3"}}}`, []string{`resources["pods"].count`, "JSON string"}},
	{"fractional count", `{` + head + `,"resources":{"pods":{"state":"collected","count":1.5}}}`, []string{`resources["pods"].count`}},
	{"resources as list", `{` + head + `,"resources":["pods"]}`, []string{"field resources", "JSON array"}},
	{"pods as object", `{` + head + `,"resources":{},"pods":{}}`, []string{"field pods", "JSON object"}},
	{"collectedAt as number", `{` + head + `,"resources":{},"collectedAt":5}`, []string{"field collectedAt", "not a JSON string"}},
	{"collectedAt not a time", `{` + head + `,"resources":{},"collectedAt":"yesterday"}`, []string{"field collectedAt", `"yesterday"`}},
	{"cluster uid as number", `{` + head + `,"resources":{},"cluster":{"uid":5}}`, []string{"field cluster.uid", "JSON number"}},
	{"bad creationTimestamp in second pod", `{` + head + `,"resources":{},"pods":[{},{"metadata":{"creationTimestamp":5}}]}`, []string{"field pods[1].metadata.creationTimestamp"}},
	{"bad quantity", `{` + head + `,"resources":{},"pods":[{"spec":{"containers":[{"name":"a","resources":{"limits":{"cpu":"lots"}}}]}}]}`, []string{"field pods[0]", "quantities must match"}},
	{"bad kubelet duration", `{` + head + `,"resources":{},"kubelets":[{"node":"n","collection":{"state":"collected"},"config":{"streamingConnectionIdleTimeout":"forever"}}]}`, []string{"field kubelets[0]", "forever"}},
	{"kubelet without node", `{` + head + `,"resources":{},"kubelets":[{"collection":{"state":"collected"}}]}`, []string{"field kubelets[0].node", "empty node name"}},
	{"component without name", `{` + head + `,"resources":{},"controlPlane":[{"namespace":"kube-system"}]}`, []string{"field controlPlane[0].name"}},
	{"trailing garbage", `{` + head + `,"resources":{}}garbage`, []string{"unexpected data after the snapshot document"}},
	{"trailing brace", `{` + head + `,"resources":{}}}`, []string{"unexpected data after the snapshot document"}},
	{"two documents", `{` + head + `,"resources":{}}` + "\n" + `{` + head + `,"resources":{}}`, []string{"unexpected data after the snapshot document"}},
}

func TestReadMalformed(t *testing.T) {
	for _, tc := range malformed {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Read(strings.NewReader(tc.in))
			if err == nil {
				t.Fatalf("Read accepted %q: %+v", tc.in, s)
			}
			if s != nil {
				t.Errorf("Read returned a snapshot with its error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestReadAccepts(t *testing.T) {
	for name, in := range map[string]string{
		"minimal":                  `{` + head + `,"resources":{}}`,
		"trailing newline":         `{` + head + `,"resources":{}}` + "\n\n",
		"leading whitespace > 1KB": strings.Repeat(" ", 5000) + `{` + head + `,"resources":{}}`,
		"unknown field":            `{` + head + `,"resources":{},"futureField":{"x":1}}`,
		"every state":              `{` + head + `,"resources":{"a":{"state":"collected","count":2},"b":{"state":"forbidden"},"c":{"state":"notFound"},"d":{"state":"failed"},"e":{"state":"partial","count":1}}}`,
	} {
		if _, err := Read(strings.NewReader(in)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestReadFileNamesThePath(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad-snapshot.json")
	if err := os.WriteFile(bad, []byte(`{"apiVersion":"v1","kind":"Pod"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := ReadFile(bad)
	if err == nil || !strings.Contains(err.Error(), bad) || !strings.Contains(err.Error(), "apiVersion") {
		t.Errorf("ReadFile(%s) error = %v; want it to name the file and the problem", bad, err)
	}
	missing := filepath.Join(dir, "nope.json")
	_, err = ReadFile(missing)
	if err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("ReadFile(%s) error = %v; want it to name the file", missing, err)
	}
	if err := WriteFile(filepath.Join(dir, "no-such-dir", "s.json"), snapshot.New()); err == nil {
		t.Errorf("WriteFile into a missing directory succeeded")
	}
}

func TestWriteFileReplacesAtomically(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.json")
	first := snapshot.New()
	first.ToolVersion = "first"
	second := snapshot.New()
	second.ToolVersion = "second"
	for _, s := range []*snapshot.Snapshot{first, second} {
		if err := WriteFile(path, s); err != nil {
			t.Fatal(err)
		}
	}
	got, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got.ToolVersion != "second" {
		t.Errorf("toolVersion = %q, want second", got.ToolVersion)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only the snapshot", len(entries))
	}
}

func FuzzRead(f *testing.F) {
	var valid bytes.Buffer
	if err := Write(&valid, sample()); err != nil {
		f.Fatal(err)
	}
	f.Add(valid.Bytes())
	f.Add([]byte(`{` + head + `,"resources":{}}`))
	f.Add(forgedCounts(4096)) // recorded counts of 10^15 (issue 17)
	for _, tc := range malformed {
		f.Add([]byte(tc.in))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Read(bytes.NewReader(data))
		if err != nil {
			if s != nil {
				t.Fatalf("Read returned both a snapshot and error %v", err)
			}
			if err.Error() == "" {
				t.Fatalf("empty error message")
			}
			return
		}
		if err := s.Validate(); err != nil {
			t.Fatalf("Read accepted a snapshot that does not validate: %v", err)
		}
		var b1 bytes.Buffer
		if err := Write(&b1, s); err != nil {
			t.Fatalf("Write of an accepted snapshot: %v", err)
		}
		s2, err := Read(bytes.NewReader(b1.Bytes()))
		if err != nil {
			t.Fatalf("Read(Write(s)) failed: %v\n%s", err, b1.Bytes())
		}
		var b2 bytes.Buffer
		if err := Write(&b2, s2); err != nil {
			t.Fatalf("second Write: %v", err)
		}
		if !bytes.Equal(b1.Bytes(), b2.Bytes()) {
			t.Fatalf("Write→Read→Write is not stable:\n%s\n%s", b1.Bytes(), b2.Bytes())
		}
	})
}

// Write streams a snapshot member by member and list element by element; a field that
// encode cannot write itself would make it fall back to encoding the whole document in
// memory (an unexported field did, unnoticed, for a while: docs/scale.md says what it cost).
func TestWriteStreams(t *testing.T) {
	if !plainMembers {
		t.Fatal("Snapshot has a member encode cannot write itself: Write would hold the whole document in memory")
	}
}

// Every collected kind's list is sized from its recorded count (the two webhook
// configurations' once were not).
func TestReserveCoversEveryKind(t *testing.T) {
	s := snapshot.New()
	for _, k := range snapshot.CollectedKinds {
		s.Resources[k.Resource] = snapshot.Collection{State: snapshot.Collected, Count: 7}
	}
	budget := int64(1 << 20)
	for _, k := range snapshot.CollectedKinds {
		if got := reserve(s, k.Member, &budget); got != 7 {
			t.Errorf("reserve(%q) = %d, want the recorded count 7", k.Member, got)
		}
	}
}

// forgedCounts is a document of about size bytes whose every list records a count of 10^15
// objects (issue 17) and holds one: padding in a member Read skips, then the lists.
func forgedCounts(size int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"apiVersion":"kubeposture.io/v1alpha1","kind":"Snapshot","resources":{`)
	for i, k := range snapshot.CollectedKinds {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `%q:{"state":"collected","count":1000000000000000}`, k.Resource)
	}
	b.WriteString(`},"padding":"`)
	b.WriteString(strings.Repeat("x", max(size-b.Len()-1500, 0)))
	b.WriteByte('"')
	for _, k := range snapshot.CollectedKinds {
		fmt.Fprintf(&b, `,%q:[{"metadata":{"name":"a"}}]`, k.Member)
	}
	b.WriteByte('}')
	return b.Bytes()
}

// Recorded counts are untrusted: a 1 MiB document whose every list claims 10^15 objects
// once reserved 4.7 GB (issue 17). What reading it allocates is now bounded by the document:
// its lists together reserve no more elements than it has bytes for at 64 bytes each.
func TestReadForgedCountsBoundsMemory(t *testing.T) {
	doc := forgedCounts(1 << 20)
	path := filepath.Join(t.TempDir(), "forged.json")
	if err := os.WriteFile(path, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	s, err := ReadFile(path)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Pods) != 1 {
		t.Fatalf("read %d pods, want 1", len(s.Pods))
	}
	// The worst case is every element reserved as the largest type (a Pod, 1,240 bytes):
	// 16,384 elements, 20 MB. Reading the document itself takes a few MB more.
	const limit = 32 << 20
	if got := after.TotalAlloc - before.TotalAlloc; got > limit {
		t.Errorf("reading a %d-byte document with forged counts allocated %d MB, want at most %d MB", len(doc), got>>20, limit>>20)
	}
	if cap(s.Pods) > len(doc)/minElementBytes {
		t.Errorf("pods reserved %d elements, more than %d bytes / %d", cap(s.Pods), len(doc), minElementBytes)
	}
}
