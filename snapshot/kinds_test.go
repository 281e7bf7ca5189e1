package snapshot_test

import (
	"reflect"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/scheme"

	"github.com/kubeposture/kubeposture/snapshot"
)

// Every list of Kubernetes objects in a Snapshot has its row, and every row names such a
// list: a field added without a row would be left out of the collector, the manifest reader,
// ObjectMetas and the codec.
func TestCollectedKindsCoverSnapshot(t *testing.T) {
	objectLists := map[string]bool{}
	st := reflect.TypeFor[snapshot.Snapshot]()
	meta := reflect.TypeFor[metav1.ObjectMeta]()
	for i := range st.NumField() {
		f := st.Field(i)
		if f.Type.Kind() != reflect.Slice || f.Type.Elem().Kind() != reflect.Struct {
			continue
		}
		if om, ok := f.Type.Elem().FieldByName("ObjectMeta"); ok && om.Anonymous && om.Type == meta {
			objectLists[f.Name] = true
		}
	}
	members, resources, kinds := map[string]bool{}, map[snapshot.Resource]bool{}, map[string]bool{}
	for _, k := range snapshot.CollectedKinds {
		if members[k.Member] || resources[k.Resource] || kinds[k.GVK.Kind] {
			t.Errorf("%s: member %q, resource or kind %q in two rows", k.Resource, k.Member, k.GVK.Kind)
		}
		members[k.Member], resources[k.Resource], kinds[k.GVK.Kind] = true, true, true
	}
	byMember := map[string]string{}
	for i := range st.NumField() {
		name, _, _ := strings.Cut(st.Field(i).Tag.Get("json"), ",")
		byMember[name] = st.Field(i).Name
	}
	for m := range members {
		if !objectLists[byMember[m]] {
			t.Errorf("row member %q is not a list of Kubernetes objects of Snapshot", m)
		}
		delete(objectLists, byMember[m])
	}
	for f := range objectLists {
		t.Errorf("Snapshot.%s has no row in CollectedKinds", f)
	}
	if len(snapshot.CollectedKinds) == 0 {
		t.Fatal("no collected kinds")
	}
}

// Each row's group, version and kind is what client-go's scheme (the API's Go types) maps to
// the row's type, the list type the collector decodes pages into exists, and an object of
// that type lands in the row's list, and only there.
func TestCollectedKindsMatchTheAPITypes(t *testing.T) {
	for _, k := range snapshot.CollectedKinds {
		obj, err := scheme.Scheme.New(k.GVK)
		if err != nil {
			t.Errorf("%s: %s is not a kind of the API: %v", k.Resource, k.GVK, err)
			continue
		}
		// Only secrets are kept as less than their API type.
		if api := reflect.TypeOf(obj).Elem(); api != k.Type && !(k.Resource == snapshot.ResSecrets && k.Type == reflect.TypeFor[snapshot.SecretMeta]()) {
			t.Errorf("%s: row type %s, but %s is %s", k.Resource, k.Type, k.GVK, api)
		}
		// The collector decodes each page into the list type and takes its Items.
		list, err := scheme.Scheme.New(k.GVK.GroupVersion().WithKind(k.GVK.Kind + "List"))
		if err != nil {
			t.Errorf("%s: no list type: %v", k.Resource, err)
		} else if f, ok := reflect.TypeOf(list).Elem().FieldByName("Items"); !ok || f.Type != reflect.SliceOf(reflect.TypeOf(obj).Elem()) {
			t.Errorf("%s: %T has no Items of %T", k.Resource, list, obj)
		}
		obj.(metav1.Object).SetName("x")
		s := snapshot.New()
		for _, other := range snapshot.CollectedKinds {
			if got, want := other.Add(s, obj), other.Resource == k.Resource; got != want {
				t.Errorf("%s.Add(%T) = %v, want %v", other.Resource, obj, got, want)
			}
		}
		for _, other := range snapshot.CollectedKinds {
			if got, want := other.Len(s), map[bool]int{true: 1}[other.Resource == k.Resource]; got != want {
				t.Errorf("after adding a %s: %s holds %d objects, want %d", k.GVK.Kind, other.Resource, got, want)
			}
		}
		for om := range k.Metas(s) {
			if om.Name != "x" {
				t.Errorf("%s: metadata %+v, want the object's", k.Resource, om)
			}
		}
	}
}

// A secret from a manifest keeps its metadata and type, never its data.
func TestSecretKeptAsMetadata(t *testing.T) {
	k, ok := snapshot.KindOf(snapshot.ResSecrets)
	if !ok {
		t.Fatal("no row for secrets")
	}
	s := snapshot.New()
	k.Add(s, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "db", Namespace: "shop"}, Type: corev1.SecretTypeOpaque,
		Data: map[string][]byte{"password": []byte("hunter2")}, StringData: map[string]string{"token": "t"}})
	if want := []snapshot.SecretMeta{{ObjectMeta: metav1.ObjectMeta{Name: "db", Namespace: "shop"}, Type: corev1.SecretTypeOpaque}}; !reflect.DeepEqual(s.Secrets, want) {
		t.Errorf("secrets = %+v, want %+v", s.Secrets, want)
	}
}

// ObjectMetas indexes the objects of every collected kind, the two webhook configurations
// included (they were once left out).
func TestObjectMetasCoversEveryKind(t *testing.T) {
	s := snapshot.New()
	want := map[snapshot.ObjectKey]bool{}
	for _, k := range snapshot.CollectedKinds {
		obj, err := scheme.Scheme.New(k.GVK)
		if err != nil {
			t.Fatal(err)
		}
		m := obj.(metav1.Object)
		m.SetName("x")
		if k.Namespaced {
			m.SetNamespace("ns")
		}
		k.Add(s, obj)
		want[snapshot.ObjectKey{Kind: k.GVK.Kind, Namespace: m.GetNamespace(), Name: "x"}] = true
	}
	got := s.ObjectMetas()
	for key := range want {
		if om := got[key]; om == nil || om.Name != "x" {
			t.Errorf("ObjectMetas()[%v] = %v, want the object's metadata", key, om)
		}
	}
	if len(got) != len(want) {
		t.Errorf("ObjectMetas has %d entries, want %d", len(got), len(want))
	}
	if got[snapshot.ObjectKey{Kind: "Pod", Namespace: "ns", Name: "x"}] != &s.Pods[0].ObjectMeta {
		t.Error("ObjectMetas does not point into the snapshot's objects")
	}
}
