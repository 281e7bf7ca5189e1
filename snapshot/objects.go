package snapshot

import metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

// ObjectKey names an object the way check results do: its kind, namespace (empty for a
// cluster-scoped object) and name.
type ObjectKey struct {
	Kind, Namespace, Name string
}

// ObjectMetas indexes the metadata (labels, annotations) of the snapshot's objects, of every
// kind of CollectedKinds, by kind, namespace and name, so that a result about
// "Pod/ns/name" can be tied back to its object. Objects the snapshot does not hold (users,
// groups, components) are not in it.
func (s *Snapshot) ObjectMetas() map[ObjectKey]*metav1.ObjectMeta {
	n := 0
	for _, k := range CollectedKinds {
		n += k.Len(s)
	}
	m := make(map[ObjectKey]*metav1.ObjectMeta, n)
	for _, k := range CollectedKinds {
		for om := range k.Metas(s) {
			m[ObjectKey{k.GVK.Kind, om.Namespace, om.Name}] = om
		}
	}
	return m
}
