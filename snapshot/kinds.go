package snapshot

import (
	"iter"
	"reflect"
	"strings"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// CollectedKinds are the Kubernetes kinds a snapshot holds a list of, one row each. The
// collector lists them (collect/listers.go), the manifest reader takes them, ObjectMetas walks
// them, snapfile sizes their lists, reports name the permission that lists them
// (checks.Permission), and the shipped ClusterRole grants them (deploy/clusterrole_test.go).
// Adding a kind is a field of Snapshot, its Res constant and a row here; then the checks that
// read it.
var CollectedKinds = []CollectedKind{
	collected(ResNodes, "v1", "Node", clusterScoped, func(s *Snapshot) *[]corev1.Node { return &s.Nodes }),
	collected(ResNamespaces, "v1", "Namespace", clusterScoped, func(s *Snapshot) *[]corev1.Namespace { return &s.Namespaces }),
	collected(ResPods, "v1", "Pod", namespaced, func(s *Snapshot) *[]corev1.Pod { return &s.Pods }),
	collected(ResDeployments, "v1", "Deployment", namespaced, func(s *Snapshot) *[]appsv1.Deployment { return &s.Deployments }),
	collected(ResStatefulSets, "v1", "StatefulSet", namespaced, func(s *Snapshot) *[]appsv1.StatefulSet { return &s.StatefulSets }),
	collected(ResDaemonSets, "v1", "DaemonSet", namespaced, func(s *Snapshot) *[]appsv1.DaemonSet { return &s.DaemonSets }),
	collected(ResReplicaSets, "v1", "ReplicaSet", namespaced, func(s *Snapshot) *[]appsv1.ReplicaSet { return &s.ReplicaSets }),
	collected(ResJobs, "v1", "Job", namespaced, func(s *Snapshot) *[]batchv1.Job { return &s.Jobs }),
	collected(ResCronJobs, "v1", "CronJob", namespaced, func(s *Snapshot) *[]batchv1.CronJob { return &s.CronJobs }),
	collected(ResServiceAccounts, "v1", "ServiceAccount", namespaced, func(s *Snapshot) *[]corev1.ServiceAccount { return &s.ServiceAccounts }),
	// Kept as metadata and type only, from a manifest too: never a secret's data.
	collectedAs(ResSecrets, "v1", "Secret", namespaced, func(s *Snapshot) *[]SecretMeta { return &s.Secrets },
		func(o *corev1.Secret) SecretMeta { return SecretMeta{ObjectMeta: o.ObjectMeta, Type: o.Type} }),
	collected(ResConfigMaps, "v1", "ConfigMap", namespaced, func(s *Snapshot) *[]corev1.ConfigMap { return &s.ConfigMaps }),
	collected(ResRoles, "v1", "Role", namespaced, func(s *Snapshot) *[]rbacv1.Role { return &s.Roles }),
	collected(ResClusterRoles, "v1", "ClusterRole", clusterScoped, func(s *Snapshot) *[]rbacv1.ClusterRole { return &s.ClusterRoles }),
	collected(ResRoleBindings, "v1", "RoleBinding", namespaced, func(s *Snapshot) *[]rbacv1.RoleBinding { return &s.RoleBindings }),
	collected(ResClusterRoleBindings, "v1", "ClusterRoleBinding", clusterScoped, func(s *Snapshot) *[]rbacv1.ClusterRoleBinding { return &s.ClusterRoleBindings }),
	collected(ResNetworkPolicies, "v1", "NetworkPolicy", namespaced, func(s *Snapshot) *[]networkingv1.NetworkPolicy { return &s.NetworkPolicies }),
	collected(ResServices, "v1", "Service", namespaced, func(s *Snapshot) *[]corev1.Service { return &s.Services }),
	collected(ResIngresses, "v1", "Ingress", namespaced, func(s *Snapshot) *[]networkingv1.Ingress { return &s.Ingresses }),
	collected(ResValidatingWebhookConfigurations, "v1", "ValidatingWebhookConfiguration", clusterScoped,
		func(s *Snapshot) *[]admissionregistrationv1.ValidatingWebhookConfiguration {
			return &s.ValidatingWebhookConfigurations
		}),
	collected(ResMutatingWebhookConfigurations, "v1", "MutatingWebhookConfiguration", clusterScoped,
		func(s *Snapshot) *[]admissionregistrationv1.MutatingWebhookConfiguration {
			return &s.MutatingWebhookConfigurations
		}),
}

// The scopes of the rows above.
const (
	namespaced    = true
	clusterScoped = false
)

// CollectedKind is one row of CollectedKinds.
type CollectedKind struct {
	// Resource names the kind as RBAC does, plural and API group ("deployments.apps"): its key
	// in Snapshot.Resources.
	Resource Resource
	// GVK is the version the collector lists and the manifest reader takes; its group is
	// Resource's.
	GVK schema.GroupVersionKind
	// Namespaced is false for a cluster-scoped kind.
	Namespaced bool
	// Member is the JSON name of the document's list of these objects, from the tag of the
	// field the row's accessor returns.
	Member string
	// Type is the Go type of an element of that list: the API type, but SecretMeta for
	// secrets.
	Type reflect.Type

	list objectList
}

// objectList reaches the snapshot's list of one kind without its type.
type objectList interface {
	length(*Snapshot) int
	metas(*Snapshot) iter.Seq[*metav1.ObjectMeta]
	objects(*Snapshot) iter.Seq2[*metav1.ObjectMeta, any]
	get(s *Snapshot) any
	set(s *Snapshot, objects any)
	add(s *Snapshot, obj any) bool
}

// Plural is the kind's resource name without its group ("deployments").
func (k CollectedKind) Plural() string {
	p, _, _ := strings.Cut(string(k.Resource), ".")
	return p
}

// Len is the number of objects of the kind in s.
func (k CollectedKind) Len(s *Snapshot) int { return k.list.length(s) }

// Metas yields the metadata of the kind's objects in s, in order, as pointers into the list.
func (k CollectedKind) Metas(s *Snapshot) iter.Seq[*metav1.ObjectMeta] { return k.list.metas(s) }

// Objects yields the kind's objects in s, in order, each with its metadata, as pointers into
// the list.
func (k CollectedKind) Objects(s *Snapshot) iter.Seq2[*metav1.ObjectMeta, any] {
	return k.list.objects(s)
}

// List returns the kind's list in s, a slice of k.Type.
func (k CollectedKind) List(s *Snapshot) any { return k.list.get(s) }

// Set makes objects, a slice of k.Type, the kind's list in s; it panics on any other type.
func (k CollectedKind) Set(s *Snapshot, objects any) { k.list.set(s, objects) }

// Add appends obj, a pointer to an object of the kind's API type (*corev1.Secret for
// secrets, of which only SecretMeta is kept), to the kind's list in s. It returns false, and
// adds nothing, for any other type.
func (k CollectedKind) Add(s *Snapshot, obj any) bool { return k.list.add(s, obj) }

// KindOf returns the row of CollectedKinds for r.
func KindOf(r Resource) (CollectedKind, bool) {
	for _, k := range CollectedKinds {
		if k.Resource == r {
			return k, true
		}
	}
	return CollectedKind{}, false
}

// metaObject is a pointer to an object with Kubernetes metadata.
type metaObject[T any] interface {
	*T
	GetObjectMeta() metav1.Object
}

// listOf is the objectList of a field of type []T, whose objects come from the API as A.
type listOf[T any, PT metaObject[T], A any] struct {
	field   func(*Snapshot) *[]T
	fromAPI func(*A) T
}

func (l listOf[T, PT, A]) length(s *Snapshot) int { return len(*l.field(s)) }

func (l listOf[T, PT, A]) metas(s *Snapshot) iter.Seq[*metav1.ObjectMeta] {
	return func(yield func(*metav1.ObjectMeta) bool) {
		items := *l.field(s)
		for i := range items {
			// ObjectMeta's own method: the object's embedded ObjectMeta, never another type.
			if !yield(PT(&items[i]).GetObjectMeta().(*metav1.ObjectMeta)) {
				return
			}
		}
	}
}

func (l listOf[T, PT, A]) objects(s *Snapshot) iter.Seq2[*metav1.ObjectMeta, any] {
	return func(yield func(*metav1.ObjectMeta, any) bool) {
		items := *l.field(s)
		for i := range items {
			if !yield(PT(&items[i]).GetObjectMeta().(*metav1.ObjectMeta), &items[i]) {
				return
			}
		}
	}
}

func (l listOf[T, PT, A]) get(s *Snapshot) any { return *l.field(s) }

func (l listOf[T, PT, A]) set(s *Snapshot, objects any) { *l.field(s) = objects.([]T) }

func (l listOf[T, PT, A]) add(s *Snapshot, obj any) bool {
	o, ok := obj.(*A)
	if !ok {
		return false
	}
	f := l.field(s)
	*f = append(*f, l.fromAPI(o))
	return true
}

// collected is a row whose snapshot keeps the API type itself.
func collected[T any, PT metaObject[T]](r Resource, version, kind string, namespaced bool, field func(*Snapshot) *[]T) CollectedKind {
	return collectedAs[T, PT](r, version, kind, namespaced, field, func(o *T) T { return *o })
}

// collectedAs is a row whose snapshot keeps T, made from the API type A by fromAPI.
func collectedAs[T any, PT metaObject[T], A any](r Resource, version, kind string, namespaced bool,
	field func(*Snapshot) *[]T, fromAPI func(*A) T) CollectedKind {
	_, group, _ := strings.Cut(string(r), ".")
	return CollectedKind{
		Resource:   r,
		GVK:        schema.GroupVersionKind{Group: group, Version: version, Kind: kind},
		Namespaced: namespaced,
		Member:     member(field),
		Type:       reflect.TypeFor[T](),
		list:       listOf[T, PT, A]{field: field, fromAPI: fromAPI},
	}
}

// member is the JSON name of the field of Snapshot that field returns. A row whose accessor
// returns anything else is a programming error, found when the package loads.
func member[T any](field func(*Snapshot) *[]T) string {
	var s Snapshot
	p := reflect.ValueOf(field(&s)).Pointer()
	v := reflect.ValueOf(&s).Elem()
	for i := range v.NumField() {
		if v.Field(i).Addr().Pointer() == p {
			name, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("json"), ",")
			return name
		}
	}
	panic("snapshot: the accessor of a collected kind returns no field of Snapshot")
}
