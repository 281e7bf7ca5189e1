package collect

import (
	"context"
	"reflect"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubeposture/kubeposture/snapshot"
	"github.com/kubeposture/kubeposture/snapshot/intern"
)

// kind is one resource the collector lists.
type kind struct {
	resource snapshot.Resource
	list     func(context.Context, *collector) (int, error)
}

// typed builds a kind from a typed client's List call; store puts the (compacted) objects in
// the snapshot. The page's items, continue token and object metadata are read through the
// list's own interfaces, so that each kind below is one line of what it lists and where.
func typed[T any, L any](r snapshot.Resource,
	list func(c *collector) func(context.Context, metav1.ListOptions) (*L, error),
	store func(*snapshot.Snapshot, []T)) kind {
	return kind{resource: r, list: func(ctx context.Context, c *collector) (int, error) {
		call := list(c)
		// Replicas repeat their labels, images, resource lists and security contexts: each
		// page's copies are made to share those of the objects before them.
		sh := intern.New()
		all, err := listPaged(ctx, c, func(ctx context.Context, o metav1.ListOptions) ([]T, string, error) {
			l, err := call(ctx, o)
			if err != nil {
				return nil, "", err
			}
			// Every typed list has Items []T and embeds ListMeta: a mismatch is a
			// programming error that the integration tests catch on the first page.
			items := reflect.ValueOf(l).Elem().FieldByName("Items").Interface().([]T)
			return items, any(l).(metav1.ListInterface).GetContinue(), nil
		}, func(items []T) {
			for i := range items {
				compactMeta(any(&items[i]).(metav1.Object))
				// As the page arrives, so that what is dropped is garbage before the
				// next pages are decoded rather than after the whole list.
				if p, ok := any(&items[i]).(*corev1.Pod); ok {
					compactPod(p)
				}
				sh.Share(&items[i])
			}
		})
		if err != nil {
			return 0, err
		}
		c.mu.Lock()
		store(c.snap, all)
		c.mu.Unlock()
		return len(all), nil
	}}
}

// listers are the kinds collected, concurrently. Pods come first because they are the
// largest list.
var listers = []kind{
	typed(snapshot.ResPods, func(c *collector) func(context.Context, metav1.ListOptions) (*corev1.PodList, error) {
		return c.cs.CoreV1().Pods("").List
	}, func(s *snapshot.Snapshot, v []corev1.Pod) { s.Pods = v }),
	typed(snapshot.ResNodes, func(c *collector) func(context.Context, metav1.ListOptions) (*corev1.NodeList, error) {
		return c.cs.CoreV1().Nodes().List
	}, func(s *snapshot.Snapshot, v []corev1.Node) {
		for i := range v {
			// The image list of a node can run to hundreds of entries; no check reads it.
			v[i].Status.Images = nil
		}
		s.Nodes = v
	}),
	typed(snapshot.ResNamespaces, func(c *collector) func(context.Context, metav1.ListOptions) (*corev1.NamespaceList, error) {
		return c.cs.CoreV1().Namespaces().List
	}, func(s *snapshot.Snapshot, v []corev1.Namespace) { s.Namespaces = v }),
	typed(snapshot.ResDeployments, func(c *collector) func(context.Context, metav1.ListOptions) (*appsv1.DeploymentList, error) {
		return c.cs.AppsV1().Deployments("").List
	}, func(s *snapshot.Snapshot, v []appsv1.Deployment) { s.Deployments = v }),
	typed(snapshot.ResStatefulSets, func(c *collector) func(context.Context, metav1.ListOptions) (*appsv1.StatefulSetList, error) {
		return c.cs.AppsV1().StatefulSets("").List
	}, func(s *snapshot.Snapshot, v []appsv1.StatefulSet) { s.StatefulSets = v }),
	typed(snapshot.ResDaemonSets, func(c *collector) func(context.Context, metav1.ListOptions) (*appsv1.DaemonSetList, error) {
		return c.cs.AppsV1().DaemonSets("").List
	}, func(s *snapshot.Snapshot, v []appsv1.DaemonSet) { s.DaemonSets = v }),
	typed(snapshot.ResReplicaSets, func(c *collector) func(context.Context, metav1.ListOptions) (*appsv1.ReplicaSetList, error) {
		return c.cs.AppsV1().ReplicaSets("").List
	}, func(s *snapshot.Snapshot, v []appsv1.ReplicaSet) { s.ReplicaSets = v }),
	typed(snapshot.ResJobs, func(c *collector) func(context.Context, metav1.ListOptions) (*batchv1.JobList, error) {
		return c.cs.BatchV1().Jobs("").List
	}, func(s *snapshot.Snapshot, v []batchv1.Job) { s.Jobs = v }),
	typed(snapshot.ResCronJobs, func(c *collector) func(context.Context, metav1.ListOptions) (*batchv1.CronJobList, error) {
		return c.cs.BatchV1().CronJobs("").List
	}, func(s *snapshot.Snapshot, v []batchv1.CronJob) { s.CronJobs = v }),
	typed(snapshot.ResServiceAccounts, func(c *collector) func(context.Context, metav1.ListOptions) (*corev1.ServiceAccountList, error) {
		return c.cs.CoreV1().ServiceAccounts("").List
	}, func(s *snapshot.Snapshot, v []corev1.ServiceAccount) { s.ServiceAccounts = v }),
	typed(snapshot.ResConfigMaps, func(c *collector) func(context.Context, metav1.ListOptions) (*corev1.ConfigMapList, error) {
		return c.cs.CoreV1().ConfigMaps("").List
	}, func(s *snapshot.Snapshot, v []corev1.ConfigMap) { s.ConfigMaps = v }),
	typed(snapshot.ResRoles, func(c *collector) func(context.Context, metav1.ListOptions) (*rbacv1.RoleList, error) {
		return c.cs.RbacV1().Roles("").List
	}, func(s *snapshot.Snapshot, v []rbacv1.Role) { s.Roles = v }),
	typed(snapshot.ResClusterRoles, func(c *collector) func(context.Context, metav1.ListOptions) (*rbacv1.ClusterRoleList, error) {
		return c.cs.RbacV1().ClusterRoles().List
	}, func(s *snapshot.Snapshot, v []rbacv1.ClusterRole) { s.ClusterRoles = v }),
	typed(snapshot.ResRoleBindings, func(c *collector) func(context.Context, metav1.ListOptions) (*rbacv1.RoleBindingList, error) {
		return c.cs.RbacV1().RoleBindings("").List
	}, func(s *snapshot.Snapshot, v []rbacv1.RoleBinding) { s.RoleBindings = v }),
	typed(snapshot.ResClusterRoleBindings, func(c *collector) func(context.Context, metav1.ListOptions) (*rbacv1.ClusterRoleBindingList, error) {
		return c.cs.RbacV1().ClusterRoleBindings().List
	}, func(s *snapshot.Snapshot, v []rbacv1.ClusterRoleBinding) { s.ClusterRoleBindings = v }),
	typed(snapshot.ResNetworkPolicies, func(c *collector) func(context.Context, metav1.ListOptions) (*networkingv1.NetworkPolicyList, error) {
		return c.cs.NetworkingV1().NetworkPolicies("").List
	}, func(s *snapshot.Snapshot, v []networkingv1.NetworkPolicy) { s.NetworkPolicies = v }),
	typed(snapshot.ResServices, func(c *collector) func(context.Context, metav1.ListOptions) (*corev1.ServiceList, error) {
		return c.cs.CoreV1().Services("").List
	}, func(s *snapshot.Snapshot, v []corev1.Service) { s.Services = v }),
	typed(snapshot.ResIngresses, func(c *collector) func(context.Context, metav1.ListOptions) (*networkingv1.IngressList, error) {
		return c.cs.NetworkingV1().Ingresses("").List
	}, func(s *snapshot.Snapshot, v []networkingv1.Ingress) { s.Ingresses = v }),
	typed(snapshot.ResValidatingWebhookConfigurations, func(c *collector) func(context.Context, metav1.ListOptions) (*admissionregistrationv1.ValidatingWebhookConfigurationList, error) {
		return c.cs.AdmissionregistrationV1().ValidatingWebhookConfigurations().List
	}, func(s *snapshot.Snapshot, v []admissionregistrationv1.ValidatingWebhookConfiguration) {
		s.ValidatingWebhookConfigurations = v
	}),
	typed(snapshot.ResMutatingWebhookConfigurations, func(c *collector) func(context.Context, metav1.ListOptions) (*admissionregistrationv1.MutatingWebhookConfigurationList, error) {
		return c.cs.AdmissionregistrationV1().MutatingWebhookConfigurations().List
	}, func(s *snapshot.Snapshot, v []admissionregistrationv1.MutatingWebhookConfiguration) {
		s.MutatingWebhookConfigurations = v
	}),
	{resource: snapshot.ResSecrets, list: listSecretMetadata},
}

// lastApplied is kubectl's copy of an object's last applied manifest. It duplicates the spec
// (doubling the snapshot's size) and, on a Secret, holds the secret's data in clear: it is
// always dropped.
const lastApplied = "kubectl.kubernetes.io/last-applied-configuration"

// compactMeta drops what no check reads and what must not be kept.
func compactMeta(m metav1.Object) {
	m.SetManagedFields(nil)
	if a := m.GetAnnotations(); a != nil {
		delete(a, lastApplied)
	}
}

// compactPod drops what no check reads of a pod and is not evidence an auditor needs:
//
//   - its conditions (transition times and messages);
//   - of each container's status, everything but its name, image and imageID: the imageID is
//     the digest the node actually runs, the evidence behind any image finding, whatever tag
//     the spec names.
//
// The phase, reason and message, the node's and the pod's addresses (the NetworkPolicy engine
// reads the pod's), the QoS class and the start time are kept. The containers' resource
// requests and limits are kept too, on every pod: a LimitRange sets them at admission, and
// in-place resize or a vertical autoscaler changes them later, so a pod's own values are not
// its template's.
func compactPod(p *corev1.Pod) {
	st := &p.Status
	st.Conditions = nil
	st.InitContainerStatuses = imageStatuses(st.InitContainerStatuses)
	st.ContainerStatuses = imageStatuses(st.ContainerStatuses)
	st.EphemeralContainerStatuses = imageStatuses(st.EphemeralContainerStatuses)
	st.ResourceClaimStatuses, st.ExtendedResourceClaimStatus = nil, nil
}

// imageStatuses keeps, of each container status, what identifies the running image.
func imageStatuses(in []corev1.ContainerStatus) []corev1.ContainerStatus {
	if len(in) == 0 {
		return nil
	}
	out := make([]corev1.ContainerStatus, len(in))
	for i, c := range in {
		out[i] = corev1.ContainerStatus{Name: c.Name, Image: c.Image, ImageID: c.ImageID}
	}
	return out
}
