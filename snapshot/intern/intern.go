// Package intern makes the objects of a snapshot share one copy of each equal string, map and
// replica part as they are decoded (the Sharer), by the collector as each page of a list
// arrives and by snapfile as a document is read.
package intern

import (
	"reflect"
	"slices"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubeposture/kubeposture/snapshot"
)

// Sharer makes the objects of a snapshot share one copy of each equal string and small map
// as they are decoded. The replicas of a workload carry the same labels, annotations, images,
// container names, mount paths and resource lists; decoded one by one, each holds its own
// copy, and the copies, maps above all (the containers' resource lists), were much of a big
// snapshot's heap (docs/scale.md). Sharing is safe because a snapshot is read-only once read:
// checks must not modify it (checks.Check.Evaluate).
//
// Only values that repeat across objects are shared: names and UIDs of the objects
// themselves are unique and are left alone, since a table entry would cost more than it saves.
type Sharer struct {
	strs map[string]string
	maps map[string]map[string]string
	res  map[string]corev1.ResourceList
	// firsts holds, per controller and container position, the first replica's container:
	// the parts of a later replica's container equal to it are made to share its copies.
	firsts map[firstKey]*corev1.Container
	// firstSpecs holds, per controller, the first replica's pod spec (a copy).
	firstSpecs map[string]*corev1.PodSpec
	keys       []string
	buf        []byte
}

type firstKey struct {
	owner string
	kind  byte // 'c' containers, 'i' init containers
	index int
}

// New returns a Sharer that has seen nothing yet: one per list, since what repeats is within a
// kind.
func New() *Sharer {
	return &Sharer{strs: map[string]string{}, maps: map[string]map[string]string{}, res: map[string]corev1.ResourceList{},
		firsts: map[firstKey]*corev1.Container{}, firstSpecs: map[string]*corev1.PodSpec{}}
}

// Share canonicalises the strings and maps of a decoded list element v (a pointer to it).
func (s *Sharer) Share(v any) {
	switch o := v.(type) {
	case *corev1.Pod:
		s.meta(&o.ObjectMeta)
		s.podSpec(&o.Spec)
		s.replicas(o)
		for _, l := range [][]corev1.ContainerStatus{o.Status.ContainerStatuses, o.Status.InitContainerStatuses, o.Status.EphemeralContainerStatuses} {
			for i := range l {
				s.str(&l[i].Name)
				s.str(&l[i].Image)
				s.str(&l[i].ImageID)
			}
		}
	case *appsv1.ReplicaSet:
		s.template(&o.ObjectMeta, &o.Spec.Template)
	case *appsv1.Deployment:
		s.template(&o.ObjectMeta, &o.Spec.Template)
	case *appsv1.StatefulSet:
		s.template(&o.ObjectMeta, &o.Spec.Template)
	case *appsv1.DaemonSet:
		s.template(&o.ObjectMeta, &o.Spec.Template)
	case *batchv1.Job:
		s.template(&o.ObjectMeta, &o.Spec.Template)
	case *batchv1.CronJob:
		s.template(&o.ObjectMeta, &o.Spec.JobTemplate.Spec.Template)
	case *corev1.Service:
		s.meta(&o.ObjectMeta)
		o.Spec.Selector = s.strMap(o.Spec.Selector)
	case *corev1.ServiceAccount:
		s.meta(&o.ObjectMeta)
	case *corev1.ConfigMap:
		s.meta(&o.ObjectMeta)
	case *snapshot.SecretMeta:
		s.meta(&o.ObjectMeta)
	}
}

func (s *Sharer) str(p *string) {
	if *p == "" {
		return
	}
	if v, ok := s.strs[*p]; ok {
		*p = v
		return
	}
	s.strs[*p] = *p
}

func (s *Sharer) meta(m *metav1.ObjectMeta) {
	m.OwnerReferences, m.Finalizers = exact(m.OwnerReferences), exact(m.Finalizers)
	s.str(&m.Namespace)
	s.str(&m.GenerateName)
	m.Labels = s.strMap(m.Labels)
	m.Annotations = s.strMap(m.Annotations)
	for i := range m.OwnerReferences {
		r := &m.OwnerReferences[i]
		s.str(&r.APIVersion)
		s.str(&r.Kind)
		s.str(&r.Name)
	}
}

// template shares the parts of a workload controller: its metadata and its pod template.
func (s *Sharer) template(m *metav1.ObjectMeta, t *corev1.PodTemplateSpec) {
	s.meta(m)
	t.Labels = s.strMap(t.Labels)
	t.Annotations = s.strMap(t.Annotations)
	s.podSpec(&t.Spec)
}

// exact returns l in an array of its own length: encoding/json grows a decoded list to at
// least four elements, so a pod's two containers took the room of four.
func exact[T any](l []T) []T {
	if cap(l) == len(l) {
		return l
	}
	return append(make([]T, 0, len(l)), l...)
}

func (s *Sharer) podSpec(p *corev1.PodSpec) {
	p.Containers, p.InitContainers, p.Volumes = exact(p.Containers), exact(p.InitContainers), exact(p.Volumes)
	p.Tolerations, p.ImagePullSecrets = exact(p.Tolerations), exact(p.ImagePullSecrets)
	p.NodeSelector = s.strMap(p.NodeSelector)
	s.str(&p.NodeName)
	s.str(&p.ServiceAccountName)
	s.str(&p.DeprecatedServiceAccount)
	s.str(&p.SchedulerName)
	s.str(&p.PriorityClassName)
	for i := range p.Containers {
		s.container(&p.Containers[i])
	}
	for i := range p.InitContainers {
		s.container(&p.InitContainers[i])
	}
	for i := range p.EphemeralContainers {
		s.container((*corev1.Container)(&p.EphemeralContainers[i].EphemeralContainerCommon))
	}
	for i := range p.Volumes {
		v := &p.Volumes[i]
		s.str(&v.Name)
		if v.ConfigMap != nil {
			s.str(&v.ConfigMap.Name)
		}
		if v.Secret != nil {
			s.str(&v.Secret.SecretName)
		}
	}
}

func (s *Sharer) container(c *corev1.Container) {
	c.Env, c.VolumeMounts, c.Ports = exact(c.Env), exact(c.VolumeMounts), exact(c.Ports)
	c.Command, c.Args, c.EnvFrom = exact(c.Command), exact(c.Args), exact(c.EnvFrom)
	s.str(&c.Name)
	s.str(&c.Image)
	s.str(&c.TerminationMessagePath)
	c.Resources.Limits = s.resources(c.Resources.Limits)
	c.Resources.Requests = s.resources(c.Resources.Requests)
	for i := range c.Env {
		s.str(&c.Env[i].Name)
		s.str(&c.Env[i].Value)
	}
	for i := range c.VolumeMounts {
		s.str(&c.VolumeMounts[i].Name)
		s.str(&c.VolumeMounts[i].MountPath)
	}
	for i := range c.Ports {
		s.str(&c.Ports[i].Name)
	}
}

// replicas makes a pod's containers share the parts equal to those of the first pod of the
// same controller (its replicas): security contexts, probes, lifecycle, environment, ports,
// command and arguments. The containers themselves cannot be shared whole: admission gives
// each replica a volume mount of its own (kube-api-access-xxxxx).
func (s *Sharer) replicas(p *corev1.Pod) {
	var owner string
	for _, r := range p.OwnerReferences {
		if r.Controller != nil && *r.Controller {
			owner = string(r.UID)
		}
	}
	if owner == "" {
		return
	}
	spec := &p.Spec
	if first, ok := s.firstSpecs[owner]; !ok {
		c := *spec
		s.firstSpecs[owner] = &c
	} else {
		shareIf(&spec.SecurityContext, &first.SecurityContext)
		shareIf(&spec.Affinity, &first.Affinity)
		shareIf(&spec.Tolerations, &first.Tolerations)
		shareIf(&spec.TopologySpreadConstraints, &first.TopologySpreadConstraints)
		shareIf(&spec.ImagePullSecrets, &first.ImagePullSecrets)
		// A volume's source is shared when equal, though its name may not be: the
		// service-account volume has a name of its own in every replica.
		for i := range spec.Volumes {
			if i < len(first.Volumes) {
				shareIf(&spec.Volumes[i].VolumeSource, &first.Volumes[i].VolumeSource)
			}
		}
	}
	s.replicaContainers(owner, 'c', p.Spec.Containers)
	s.replicaContainers(owner, 'i', p.Spec.InitContainers)
}

func (s *Sharer) replicaContainers(owner string, kind byte, l []corev1.Container) {
	for i := range l {
		k := firstKey{owner: owner, kind: kind, index: i}
		first, ok := s.firsts[k]
		if !ok {
			c := l[i] // a copy: the pods list may move as it grows
			s.firsts[k] = &c
			continue
		}
		shareEqual(&l[i], first)
	}
}

// shareEqual points each heavy part of c at first's when they are equal.
func shareEqual(c, first *corev1.Container) {
	if c.Name != first.Name {
		return
	}
	shareIf(&c.SecurityContext, &first.SecurityContext)
	shareIf(&c.LivenessProbe, &first.LivenessProbe)
	shareIf(&c.ReadinessProbe, &first.ReadinessProbe)
	shareIf(&c.StartupProbe, &first.StartupProbe)
	shareIf(&c.Lifecycle, &first.Lifecycle)
	shareIf(&c.Env, &first.Env)
	shareIf(&c.EnvFrom, &first.EnvFrom)
	shareIf(&c.Ports, &first.Ports)
	shareIf(&c.Command, &first.Command)
	shareIf(&c.Args, &first.Args)
}

// shareIf makes *p first's value (a pointer, slice or struct of pointers: what it points to is
// then shared) when *p is set and equal to it.
func shareIf[T any](p, first *T) {
	v := reflect.ValueOf(p).Elem()
	if !v.IsZero() && equal(v, reflect.ValueOf(first).Elem()) {
		*p = *first
	}
}

// equal is reflect.DeepEqual for the acyclic values of API objects, without the record of
// visited pointers that DeepEqual keeps against cycles (hashing it was a third of the cost of
// comparing a replica's container with the first one's), and with the same answers: nil and
// empty differ, pointers are equal when what they point to is, maps and slices that are the
// same are equal without a look inside.
func equal(a, b reflect.Value) bool {
	switch a.Kind() {
	case reflect.Bool:
		return a.Bool() == b.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return a.Int() == b.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return a.Uint() == b.Uint()
	case reflect.Float32, reflect.Float64:
		return a.Float() == b.Float()
	case reflect.String:
		return a.String() == b.String()
	case reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			return a.IsNil() == b.IsNil()
		}
		return a.UnsafePointer() == b.UnsafePointer() || equal(a.Elem(), b.Elem())
	case reflect.Struct:
		for i, n := 0, a.NumField(); i < n; i++ {
			if !equal(a.Field(i), b.Field(i)) {
				return false
			}
		}
		return true
	case reflect.Slice:
		if a.IsNil() != b.IsNil() || a.Len() != b.Len() {
			return false
		}
		if a.Len() == 0 || a.UnsafePointer() == b.UnsafePointer() {
			return true
		}
		fallthrough
	case reflect.Array:
		for i, n := 0, a.Len(); i < n; i++ {
			if !equal(a.Index(i), b.Index(i)) {
				return false
			}
		}
		return true
	case reflect.Map:
		if a.IsNil() != b.IsNil() || a.Len() != b.Len() {
			return false
		}
		if a.UnsafePointer() == b.UnsafePointer() {
			return true
		}
		for it := a.MapRange(); it.Next(); {
			bv := b.MapIndex(it.Key())
			if !bv.IsValid() || !equal(it.Value(), bv) {
				return false
			}
		}
		return true
	case reflect.Interface:
		if a.IsNil() || b.IsNil() {
			return a.IsNil() == b.IsNil()
		}
		return a.Elem().Type() == b.Elem().Type() && equal(a.Elem(), b.Elem())
	case reflect.Complex64, reflect.Complex128:
		return a.Complex() == b.Complex()
	case reflect.Func:
		return a.IsNil() && b.IsNil() // as DeepEqual: functions are equal only when both nil
	default: // channels and unsafe pointers: the same one
		return a.Pointer() == b.Pointer()
	}
}

// strMap returns the shared map equal to m, making m the shared one if it is the first.
func (s *Sharer) strMap(m map[string]string) map[string]string {
	if len(m) == 0 {
		return m
	}
	s.buf = mapKey(s.buf[:0], &s.keys, m, func(v string) string { return v })
	if shared, ok := s.maps[string(s.buf)]; ok {
		return shared
	}
	for k, v := range m { // keep the first copy's strings shared too
		s.str(&k)
		s.str(&v)
	}
	s.maps[string(s.buf)] = m
	return m
}

func (s *Sharer) resources(rl corev1.ResourceList) corev1.ResourceList {
	if len(rl) == 0 {
		return rl
	}
	s.buf = mapKey(s.buf[:0], &s.keys, rl, func(q resource.Quantity) string { return q.String() })
	if shared, ok := s.res[string(s.buf)]; ok {
		return shared
	}
	s.res[string(s.buf)] = rl
	return rl
}

// mapKey appends to b a key for m's content: its entries sorted by key, each key and value
// length-prefixed so that no two maps make the same key. keys is scratch space.
func mapKey[K ~string, V any](b []byte, keys *[]string, m map[K]V, value func(V) string) []byte {
	*keys = (*keys)[:0]
	for k := range m {
		*keys = append(*keys, string(k))
	}
	slices.Sort(*keys)
	for _, k := range *keys {
		b = appendLen(b, k)
		b = appendLen(b, value(m[K(k)]))
	}
	return b
}

func appendLen(b []byte, v string) []byte {
	n := len(v)
	b = append(b, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	return append(b, v...)
}
