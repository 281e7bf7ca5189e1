package wire

import (
	"reflect"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/kubeposture/kubeposture/internal/synth"
	"github.com/kubeposture/kubeposture/snapshot"
)

// encodeList encodes a pod list as the API server sends it: the magic, then a runtime.Unknown
// envelope naming its kind, holding the list.
func encodeList(t testing.TB, l *corev1.PodList) []byte {
	raw, err := l.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	env, err := (&runtime.Unknown{TypeMeta: runtime.TypeMeta{APIVersion: "v1", Kind: "PodList"}, Raw: raw}).Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return append(append([]byte{}, Magic...), env...)
}

// ParseList reads the envelope and list without decoding the items: each item decodes to the
// object it was.
func TestParseList(t *testing.T) {
	pods := synth.Snapshot(5).Pods
	remaining := int64(42)
	body := encodeList(t, &corev1.PodList{ListMeta: metav1.ListMeta{Continue: "next", RemainingItemCount: &remaining}, Items: pods})
	l, err := ParseList(body)
	if err != nil {
		t.Fatal(err)
	}
	if l.Kind != "PodList" || l.Continue != "next" || l.Remaining != 42 || len(l.Items) != len(pods) {
		t.Fatalf("list %s continue %q remaining %d, %d items", l.Kind, l.Continue, l.Remaining, len(l.Items))
	}
	for i, item := range l.Items {
		var p corev1.Pod
		if err := p.Unmarshal(item); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(p.Spec, pods[i].Spec) || p.Name != pods[i].Name {
			t.Errorf("item %d is not pod %s", i, pods[i].Name)
		}
	}

	last, err := ParseList(encodeList(t, &corev1.PodList{}))
	if err != nil || last.Continue != "" || last.Remaining != -1 || len(last.Items) != 0 {
		t.Errorf("empty last page: %+v, %v", last, err)
	}
	for _, bad := range [][]byte{nil, []byte("{}"), append(append([]byte{}, Magic...), 0x12, 0xff)} {
		if _, err := ParseList(bad); err == nil {
			t.Errorf("ParseList(%q) accepted", bad)
		}
	}
}

// targets are a zero value of every type Decode decodes into.
func targets() []func() any {
	var out []func() any
	for _, k := range snapshot.CollectedKinds {
		out = append(out, func() any { return reflect.New(k.Type).Interface() })
	}
	return out
}

// Decode refuses what it cannot decode into, and malformed encodings, with an error.
func TestDecodeErrors(t *testing.T) {
	d := NewDecoder()
	if err := d.Decode(nil, new(int)); err == nil || !strings.Contains(err.Error(), "cannot decode into *int") {
		t.Errorf("decode into *int: %v", err)
	}
	for _, in := range [][]byte{{0x0a}, {0x0a, 0x05, 0x01}, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}} {
		for _, mk := range targets() {
			obj := mk()
			if err := d.Decode(in, obj); err == nil {
				t.Errorf("Decode(%x) into %T accepted", in, obj)
			}
		}
	}
}

// FuzzDecode: whatever the bytes, decoding returns (an error or an object) without a panic,
// into every collected kind, through one decoder as a list would be.
func FuzzDecode(f *testing.F) {
	s := synth.Snapshot(3)
	for i := range s.Pods {
		b, err := s.Pods[i].Marshal()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for i := range s.Deployments {
		b, err := s.Deployments[i].Marshal()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte{})
	d := NewDecoder()
	mk := targets()
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, m := range mk {
			_ = d.Decode(b, m())
		}
		_, _ = ParseList(append(append([]byte{}, Magic...), b...))
	})
}
