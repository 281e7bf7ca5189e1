package collect

import (
	"math/rand"

	"github.com/google/go-cmp/cmp"
	"reflect"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/apitesting/fuzzer"
	metafuzzer "k8s.io/apimachinery/pkg/apis/meta/fuzzer"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/randfill"

	"github.com/kubeposture/kubeposture/snapshot"
	"github.com/kubeposture/kubeposture/snapshot/wire"
)

type protoObject interface {
	Marshal() ([]byte, error)
	Unmarshal([]byte) error
	metav1.Object
}

// reference decodes the encoding b of an object of kind k as the generic lister does: the
// generated code (client-go's decoding), then compactMeta and the kind's trim, then the row's
// conversion to what the snapshot keeps (SecretMeta for a secret).
func reference(t *testing.T, k snapshot.CollectedKind, b []byte) any {
	t.Helper()
	obj, err := scheme.Scheme.New(k.GVK)
	if err != nil {
		t.Fatal(err)
	}
	if err := obj.(protoObject).Unmarshal(b); err != nil {
		t.Fatalf("%s: client-go's decoding: %v", k.Resource, err)
	}
	compactMeta(obj.(metav1.Object))
	if tr := hooks[k.Resource].trim; tr != nil {
		tr(obj)
	}
	s := snapshot.New()
	if !k.Add(s, obj) {
		t.Fatalf("%s: the row does not take %T", k.Resource, obj)
	}
	return reflect.ValueOf(s).Elem().FieldByNameFunc(func(name string) bool {
		f, _ := reflect.TypeFor[snapshot.Snapshot]().FieldByName(name)
		return f.Type == reflect.SliceOf(k.Type)
	}).Index(0).Interface()
}

// filler makes random objects as Kubernetes' own round-trip tests do (apimachinery's fuzzer
// with the meta types' functions: valid times, quantities, metadata), with lists of up to
// three elements, and what the snapshot drops set often: managed fields, kubectl's
// last-applied annotation, a pod's conditions and full container statuses.
func filler(seed int64) *randfill.Filler {
	f := fuzzer.FuzzerFor(metafuzzer.Funcs, rand.NewSource(seed), serializer.NewCodecFactory(scheme.Scheme))
	return f.NilChance(.3).NumElements(0, 3).Funcs(
		func(m *metav1.ObjectMeta, c randfill.Continue) {
			c.FillNoCustom(m)
			var sec uint32
			c.Fill(&sec)
			m.CreationTimestamp = metav1.Unix(int64(sec), 0)
			if m.DeletionTimestamp != nil {
				t := metav1.Unix(int64(sec)+7, 0)
				m.DeletionTimestamp = &t
			}
			if c.Bool() {
				if m.Annotations == nil {
					m.Annotations = map[string]string{}
				}
				m.Annotations[wire.LastApplied] = `{"apiVersion":"v1"}`
			}
			if c.Bool() {
				m.ManagedFields = []metav1.ManagedFieldsEntry{{Manager: "kubectl", Operation: metav1.ManagedFieldsOperationApply,
					FieldsType: "FieldsV1", FieldsV1: &metav1.FieldsV1{Raw: []byte(`{"f:spec":{}}`)}}}
			}
		},
	)
}

// The wire decoder (the lister's protobuf path) gives exactly what client-go's decoding and the
// collector's compaction give, for every collected kind: random objects, each alone and merged
// with another (two encodings one after the other decode as their merge, which the decoder's
// shared parts must honour too), all through one decoder so that later objects meet the
// shared parts of earlier ones.
func TestWireMatchesClientGoAndCompaction(t *testing.T) {
	for _, k := range snapshot.CollectedKinds {
		t.Run(k.Plural(), func(t *testing.T) {
			d := wire.NewDecoder()
			f := filler(int64(len(k.Resource)))
			var prev []byte
			for i := 0; i < 300; i++ {
				obj, err := scheme.Scheme.New(k.GVK)
				if err != nil {
					t.Fatal(err)
				}
				f.Fill(obj)
				b, err := obj.(protoObject).Marshal()
				if err != nil {
					t.Fatalf("encode: %v", err)
				}
				inputs := [][]byte{b}
				if prev != nil {
					inputs = append(inputs, append(append([]byte(nil), prev...), b...))
				}
				if i%3 == 0 {
					inputs = append(inputs, b) // the same bytes again: decoded from the tables
				}
				prev = b
				for j, in := range inputs {
					want := reference(t, k, in)
					got := reflect.New(k.Type)
					if err := d.Decode(in, got.Interface()); err != nil {
						t.Fatalf("object %d input %d: %v", i, j, err)
					}
					if !reflect.DeepEqual(got.Elem().Interface(), want) {
						t.Fatalf("object %d input %d: the wire decoder differs from client-go and compaction:\n%s", i, j, cmp.Diff(want, got.Elem().Interface()))
					}
				}
			}
		})
	}
}

// Replicas share their parts: two pods that differ only in name, node and token volume hold
// the same containers' resources, environment and security context, and the same volume
// sources.
func TestWireSharesReplicas(t *testing.T) {
	pod := func(name, node, token string) []byte {
		p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "ns", Labels: map[string]string{"app": "a"}},
			Spec: corev1.PodSpec{NodeName: node, Containers: []corev1.Container{{Name: "app", Image: "img:1",
				Env:             []corev1.EnvVar{{Name: "MODE", Value: "prod"}},
				SecurityContext: &corev1.SecurityContext{RunAsNonRoot: new(bool)},
				VolumeMounts:    []corev1.VolumeMount{{Name: token, MountPath: "/var/run/secrets/kubernetes.io/serviceaccount"}}}},
				Volumes: []corev1.Volume{{Name: token, VolumeSource: corev1.VolumeSource{Projected: &corev1.ProjectedVolumeSource{}}}}}}
		b, err := p.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	d := wire.NewDecoder()
	var a, b corev1.Pod
	if err := d.Decode(pod("a", "n1", "kube-api-access-aaaaa"), &a); err != nil {
		t.Fatal(err)
	}
	if err := d.Decode(pod("b", "n2", "kube-api-access-bbbbb"), &b); err != nil {
		t.Fatal(err)
	}
	ca, cb := &a.Spec.Containers[0], &b.Spec.Containers[0]
	switch {
	case &ca.Env[0] != &cb.Env[0]:
		t.Error("the environment is not shared")
	case ca.SecurityContext != cb.SecurityContext:
		t.Error("the security context is not shared")
	case a.Spec.Volumes[0].Projected != b.Spec.Volumes[0].Projected:
		t.Error("the volume source is not shared")
	case reflect.ValueOf(a.Labels).UnsafePointer() != reflect.ValueOf(b.Labels).UnsafePointer():
		t.Error("the labels are not shared")
	}
	if a.Spec.NodeName != "n1" || b.Spec.NodeName != "n2" || cb.VolumeMounts[0].Name != "kube-api-access-bbbbb" ||
		b.Spec.Volumes[0].Name != "kube-api-access-bbbbb" || b.Name != "b" {
		t.Errorf("a replica's own fields were not kept: %+v", b)
	}
}
