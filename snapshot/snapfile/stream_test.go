package snapfile_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubeposture/kubeposture/internal/synth"
	"github.com/kubeposture/kubeposture/snapshot"
	"github.com/kubeposture/kubeposture/snapshot/snapfile"
)

// Read streams the document instead of handing it whole to json.Unmarshal: what it decodes
// must be exactly what json.Unmarshal would, member repeats and letter case included.
func TestReadDecodesAsUnmarshal(t *testing.T) {
	var big bytes.Buffer
	if err := snapfile.Write(&big, synth.Snapshot(500)); err != nil {
		t.Fatal(err)
	}
	const head = `"apiVersion":"kubeposture.io/v1alpha1","kind":"Snapshot"`
	docs := map[string]string{
		"synthetic 500 pods":        big.String(),
		"repeated list, later wins": `{` + head + `,"resources":{},"pods":[{"metadata":{"name":"a"}}],"pods":[{"metadata":{"name":"b"}},{}]}`,
		"repeated map, merged":      `{` + head + `,"resources":{"pods":{"state":"collected"}},"resources":{"nodes":{"state":"failed"}}}`,
		"repeated object, merged":   `{` + head + `,"resources":{},"cluster":{"uid":"u"},"cluster":{"server":"s"}}`,
		"list then null":            `{` + head + `,"resources":{},"pods":[{}],"pods":null}`,
		"empty list":                `{` + head + `,"resources":{},"nodes":[]}`,
		"case-insensitive names":    `{"APIVERSION":"kubeposture.io/v1alpha1","Kind":"Snapshot","Resources":{},"Pods":[{"metadata":{"name":"a"}}]}`,
		"unknown members skipped":   `{` + head + `,"resources":{},"future":[1,{"x":[]}],"pods":[]}`,
		// The recorded counts only reserve room: wrong ones change nothing.
		"count too high":   `{` + head + `,"resources":{"pods":{"state":"collected","count":1000000000}},"pods":[{"metadata":{"name":"a"}},{}]}`,
		"count too low":    `{` + head + `,"resources":{"pods":{"state":"collected","count":1}},"pods":[{"metadata":{"name":"a"}},{},{}]}`,
		"count after list": `{` + head + `,"pods":[{}],"resources":{"pods":{"state":"collected","count":7}}}`,
	}
	for name, doc := range docs {
		t.Run(name, func(t *testing.T) {
			got, err := snapfile.Read(strings.NewReader(doc))
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			var want snapshot.Snapshot
			if err := json.Unmarshal([]byte(doc), &want); err != nil {
				t.Fatalf("Unmarshal: %v", err)
			}
			if !reflect.DeepEqual(got, &want) {
				gj, _ := json.Marshal(got)
				wj, _ := json.Marshal(&want)
				t.Errorf("Read and json.Unmarshal differ:\nRead      %.2000s\nUnmarshal %.2000s", gj, wj)
			}
		})
	}
}

// A snapshot's recorded count reserves room for its list, but never more than the document
// could fill: a forged count in a small file must not make the reader reserve gigabytes.
func TestReadBoundsTheRecordedCount(t *testing.T) {
	doc := `{"apiVersion":"kubeposture.io/v1alpha1","kind":"Snapshot",` +
		`"resources":{"pods":{"state":"collected","count":1000000000}},"pods":[{"metadata":{"name":"a"}},{}]}`
	path := filepath.Join(t.TempDir(), "forged.json")
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := snapfile.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Pods) != 2 || cap(s.Pods) > len(doc)/3 {
		t.Errorf("pods: len %d cap %d, want len 2 and cap at most %d", len(s.Pods), cap(s.Pods), len(doc)/3)
	}
	// And a true count is used whole: the list is decoded into one array of its size.
	var b bytes.Buffer
	if err := snapfile.Write(&b, synth.Snapshot(300)); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if s, err = snapfile.ReadFile(path); err != nil {
		t.Fatal(err)
	}
	if len(s.Pods) != 300 || cap(s.Pods) != 300 {
		t.Errorf("pods: len %d cap %d, want 300 and 300", len(s.Pods), cap(s.Pods))
	}
}

// An error deep in a long list names the element and the field.
func TestReadNamesTheElement(t *testing.T) {
	s := synth.Snapshot(300)
	var b bytes.Buffer
	if err := snapfile.Write(&b, s); err != nil {
		t.Fatal(err)
	}
	name := `"name":"` + s.Pods[241].Name + `"`
	doc := strings.Replace(b.String(), name, `"name":7`, 1)
	if doc == b.String() {
		t.Fatalf("pod name %s not found in the document", name)
	}
	_, err := snapfile.Read(strings.NewReader(doc))
	if err == nil || !strings.Contains(err.Error(), "field pods[241].metadata.name") || !strings.Contains(err.Error(), "JSON number") {
		t.Errorf("error = %v; want it to name pods[241].metadata.name and the JSON number", err)
	}
}

// BenchmarkRead decodes a synthetic snapshot; B/op shows the document is not held whole.
func BenchmarkRead(b *testing.B) {
	for _, pods := range []int{10000} {
		var doc bytes.Buffer
		if err := snapfile.Write(&doc, synth.Snapshot(pods)); err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("pods=%d", pods), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(doc.Len()))
			for b.Loop() {
				if _, err := snapfile.Read(bytes.NewReader(doc.Bytes())); err != nil {
					b.Fatal(err)
				}
			}
		})
		// The reference: json.Unmarshal of the whole document, already in memory.
		b.Run(fmt.Sprintf("pods=%d/unmarshal", pods), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(doc.Len()))
			for b.Loop() {
				var s snapshot.Snapshot
				if err := json.Unmarshal(doc.Bytes(), &s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// Write streams the top-level lists; what it writes must be byte for byte what json.Encoder
// writes (the format of snapshots written before, and what readers expect).
func TestWriteMatchesEncoder(t *testing.T) {
	empty := snapshot.New()
	empty.Resources = nil // a member without omitempty, null
	withEmptyList := synth.Snapshot(10)
	withEmptyList.Nodes = []corev1.Node{} // omitted, as empty
	for name, s := range map[string]*snapshot.Snapshot{
		"new": snapshot.New(), "nil resources": empty, "synthetic 300 pods": synth.Snapshot(300),
		"empty list": withEmptyList, "html characters": func() *snapshot.Snapshot {
			s := synth.Snapshot(5)
			s.Pods[0].Annotations = map[string]string{"note": "<b>&amp;</b> \u2028"}
			return s
		}(),
	} {
		t.Run(name, func(t *testing.T) {
			var want bytes.Buffer
			enc := json.NewEncoder(&want)
			enc.SetEscapeHTML(false)
			if err := enc.Encode(s); err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			if err := snapfile.Write(&got, s); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want.Bytes()) {
				i := 0
				for i < got.Len() && i < want.Len() && got.Bytes()[i] == want.Bytes()[i] {
					i++
				}
				t.Errorf("Write differs from json.Encoder at byte %d:\nWrite   %.200s\nEncoder %.200s", i, got.Bytes()[i:], want.Bytes()[i:])
			}
		})
	}
}

// Node reports survive the snapshot's own JSON round trip.
func TestNodeReportsRoundTrip(t *testing.T) {
	s := snapshot.New()
	s.MergeNodeReports([]snapshot.NodeReport{{Node: "a", Root: "/1"}, {Node: "b"}})
	s.MergeNodeReports([]snapshot.NodeReport{{Node: "a", Root: "/2"}, {Node: "c"}})
	var buf bytes.Buffer
	if err := snapfile.Write(&buf, s); err != nil {
		t.Fatal(err)
	}
	back, err := snapfile.Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(back.NodeReports) != 3 || back.NodeReport("a").Root != "/2" {
		t.Errorf("after a round trip: %+v", back.NodeReports)
	}
}
