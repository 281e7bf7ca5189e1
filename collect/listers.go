package collect

import (
	"context"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubeposture/kubeposture/snapshot"
)

// kind is one resource the collector lists.
type kind struct {
	resource snapshot.Resource
	list     func(context.Context, *collector) (int, error)
}

// typed builds a kind from a typed client's List call. items takes a page apart; store
// appends the (compacted) objects to the snapshot.
func typed[L any, T any](r snapshot.Resource,
	call func(c *collector) func(context.Context, metav1.ListOptions) (*L, error),
	items func(*L) ([]T, string),
	meta func(*T) *metav1.ObjectMeta,
	store func(*snapshot.Snapshot, []T)) kind {
	return kind{resource: r, list: func(ctx context.Context, c *collector) (int, error) {
		list := call(c)
		all, err := listPaged(ctx, c, func(ctx context.Context, o metav1.ListOptions) ([]T, string, error) {
			l, err := list(ctx, o)
			if err != nil {
				return nil, "", err
			}
			page, cont := items(l)
			for i := range page {
				compactMeta(meta(&page[i]))
			}
			return page, cont, nil
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

// listers are the kinds collected, in no particular order (they run concurrently). Pods come
// first because they are the largest list.
var listers = []kind{
	typed(snapshot.ResPods,
		func(c *collector) func(context.Context, metav1.ListOptions) (*corev1.PodList, error) {
			return c.cs.CoreV1().Pods("").List
		},
		func(l *corev1.PodList) ([]corev1.Pod, string) { return l.Items, l.Continue },
		func(o *corev1.Pod) *metav1.ObjectMeta { return &o.ObjectMeta },
		func(s *snapshot.Snapshot, v []corev1.Pod) { s.Pods = v }),
	typed(snapshot.ResNodes,
		func(c *collector) func(context.Context, metav1.ListOptions) (*corev1.NodeList, error) {
			return c.cs.CoreV1().Nodes().List
		},
		func(l *corev1.NodeList) ([]corev1.Node, string) {
			for i := range l.Items {
				// The image list of a node can run to hundreds of entries; no check reads it.
				l.Items[i].Status.Images = nil
			}
			return l.Items, l.Continue
		},
		func(o *corev1.Node) *metav1.ObjectMeta { return &o.ObjectMeta },
		func(s *snapshot.Snapshot, v []corev1.Node) { s.Nodes = v }),
	typed(snapshot.ResNamespaces,
		func(c *collector) func(context.Context, metav1.ListOptions) (*corev1.NamespaceList, error) {
			return c.cs.CoreV1().Namespaces().List
		},
		func(l *corev1.NamespaceList) ([]corev1.Namespace, string) { return l.Items, l.Continue },
		func(o *corev1.Namespace) *metav1.ObjectMeta { return &o.ObjectMeta },
		func(s *snapshot.Snapshot, v []corev1.Namespace) { s.Namespaces = v }),
	typed(snapshot.ResDeployments,
		func(c *collector) func(context.Context, metav1.ListOptions) (*appsv1.DeploymentList, error) {
			return c.cs.AppsV1().Deployments("").List
		},
		func(l *appsv1.DeploymentList) ([]appsv1.Deployment, string) { return l.Items, l.Continue },
		func(o *appsv1.Deployment) *metav1.ObjectMeta { return &o.ObjectMeta },
		func(s *snapshot.Snapshot, v []appsv1.Deployment) { s.Deployments = v }),
	typed(snapshot.ResStatefulSets,
		func(c *collector) func(context.Context, metav1.ListOptions) (*appsv1.StatefulSetList, error) {
			return c.cs.AppsV1().StatefulSets("").List
		},
		func(l *appsv1.StatefulSetList) ([]appsv1.StatefulSet, string) { return l.Items, l.Continue },
		func(o *appsv1.StatefulSet) *metav1.ObjectMeta { return &o.ObjectMeta },
		func(s *snapshot.Snapshot, v []appsv1.StatefulSet) { s.StatefulSets = v }),
	typed(snapshot.ResDaemonSets,
		func(c *collector) func(context.Context, metav1.ListOptions) (*appsv1.DaemonSetList, error) {
			return c.cs.AppsV1().DaemonSets("").List
		},
		func(l *appsv1.DaemonSetList) ([]appsv1.DaemonSet, string) { return l.Items, l.Continue },
		func(o *appsv1.DaemonSet) *metav1.ObjectMeta { return &o.ObjectMeta },
		func(s *snapshot.Snapshot, v []appsv1.DaemonSet) { s.DaemonSets = v }),
	typed(snapshot.ResReplicaSets,
		func(c *collector) func(context.Context, metav1.ListOptions) (*appsv1.ReplicaSetList, error) {
			return c.cs.AppsV1().ReplicaSets("").List
		},
		func(l *appsv1.ReplicaSetList) ([]appsv1.ReplicaSet, string) { return l.Items, l.Continue },
		func(o *appsv1.ReplicaSet) *metav1.ObjectMeta { return &o.ObjectMeta },
		func(s *snapshot.Snapshot, v []appsv1.ReplicaSet) { s.ReplicaSets = v }),
	typed(snapshot.ResJobs,
		func(c *collector) func(context.Context, metav1.ListOptions) (*batchv1.JobList, error) {
			return c.cs.BatchV1().Jobs("").List
		},
		func(l *batchv1.JobList) ([]batchv1.Job, string) { return l.Items, l.Continue },
		func(o *batchv1.Job) *metav1.ObjectMeta { return &o.ObjectMeta },
		func(s *snapshot.Snapshot, v []batchv1.Job) { s.Jobs = v }),
	typed(snapshot.ResCronJobs,
		func(c *collector) func(context.Context, metav1.ListOptions) (*batchv1.CronJobList, error) {
			return c.cs.BatchV1().CronJobs("").List
		},
		func(l *batchv1.CronJobList) ([]batchv1.CronJob, string) { return l.Items, l.Continue },
		func(o *batchv1.CronJob) *metav1.ObjectMeta { return &o.ObjectMeta },
		func(s *snapshot.Snapshot, v []batchv1.CronJob) { s.CronJobs = v }),
	typed(snapshot.ResServiceAccounts,
		func(c *collector) func(context.Context, metav1.ListOptions) (*corev1.ServiceAccountList, error) {
			return c.cs.CoreV1().ServiceAccounts("").List
		},
		func(l *corev1.ServiceAccountList) ([]corev1.ServiceAccount, string) { return l.Items, l.Continue },
		func(o *corev1.ServiceAccount) *metav1.ObjectMeta { return &o.ObjectMeta },
		func(s *snapshot.Snapshot, v []corev1.ServiceAccount) { s.ServiceAccounts = v }),
	typed(snapshot.ResConfigMaps,
		func(c *collector) func(context.Context, metav1.ListOptions) (*corev1.ConfigMapList, error) {
			return c.cs.CoreV1().ConfigMaps("").List
		},
		func(l *corev1.ConfigMapList) ([]corev1.ConfigMap, string) { return l.Items, l.Continue },
		func(o *corev1.ConfigMap) *metav1.ObjectMeta { return &o.ObjectMeta },
		func(s *snapshot.Snapshot, v []corev1.ConfigMap) { s.ConfigMaps = v }),
	typed(snapshot.ResRoles,
		func(c *collector) func(context.Context, metav1.ListOptions) (*rbacv1.RoleList, error) {
			return c.cs.RbacV1().Roles("").List
		},
		func(l *rbacv1.RoleList) ([]rbacv1.Role, string) { return l.Items, l.Continue },
		func(o *rbacv1.Role) *metav1.ObjectMeta { return &o.ObjectMeta },
		func(s *snapshot.Snapshot, v []rbacv1.Role) { s.Roles = v }),
	typed(snapshot.ResClusterRoles,
		func(c *collector) func(context.Context, metav1.ListOptions) (*rbacv1.ClusterRoleList, error) {
			return c.cs.RbacV1().ClusterRoles().List
		},
		func(l *rbacv1.ClusterRoleList) ([]rbacv1.ClusterRole, string) { return l.Items, l.Continue },
		func(o *rbacv1.ClusterRole) *metav1.ObjectMeta { return &o.ObjectMeta },
		func(s *snapshot.Snapshot, v []rbacv1.ClusterRole) { s.ClusterRoles = v }),
	typed(snapshot.ResRoleBindings,
		func(c *collector) func(context.Context, metav1.ListOptions) (*rbacv1.RoleBindingList, error) {
			return c.cs.RbacV1().RoleBindings("").List
		},
		func(l *rbacv1.RoleBindingList) ([]rbacv1.RoleBinding, string) { return l.Items, l.Continue },
		func(o *rbacv1.RoleBinding) *metav1.ObjectMeta { return &o.ObjectMeta },
		func(s *snapshot.Snapshot, v []rbacv1.RoleBinding) { s.RoleBindings = v }),
	typed(snapshot.ResClusterRoleBindings,
		func(c *collector) func(context.Context, metav1.ListOptions) (*rbacv1.ClusterRoleBindingList, error) {
			return c.cs.RbacV1().ClusterRoleBindings().List
		},
		func(l *rbacv1.ClusterRoleBindingList) ([]rbacv1.ClusterRoleBinding, string) {
			return l.Items, l.Continue
		},
		func(o *rbacv1.ClusterRoleBinding) *metav1.ObjectMeta { return &o.ObjectMeta },
		func(s *snapshot.Snapshot, v []rbacv1.ClusterRoleBinding) { s.ClusterRoleBindings = v }),
	typed(snapshot.ResNetworkPolicies,
		func(c *collector) func(context.Context, metav1.ListOptions) (*networkingv1.NetworkPolicyList, error) {
			return c.cs.NetworkingV1().NetworkPolicies("").List
		},
		func(l *networkingv1.NetworkPolicyList) ([]networkingv1.NetworkPolicy, string) {
			return l.Items, l.Continue
		},
		func(o *networkingv1.NetworkPolicy) *metav1.ObjectMeta { return &o.ObjectMeta },
		func(s *snapshot.Snapshot, v []networkingv1.NetworkPolicy) { s.NetworkPolicies = v }),
	typed(snapshot.ResServices,
		func(c *collector) func(context.Context, metav1.ListOptions) (*corev1.ServiceList, error) {
			return c.cs.CoreV1().Services("").List
		},
		func(l *corev1.ServiceList) ([]corev1.Service, string) { return l.Items, l.Continue },
		func(o *corev1.Service) *metav1.ObjectMeta { return &o.ObjectMeta },
		func(s *snapshot.Snapshot, v []corev1.Service) { s.Services = v }),
	typed(snapshot.ResIngresses,
		func(c *collector) func(context.Context, metav1.ListOptions) (*networkingv1.IngressList, error) {
			return c.cs.NetworkingV1().Ingresses("").List
		},
		func(l *networkingv1.IngressList) ([]networkingv1.Ingress, string) { return l.Items, l.Continue },
		func(o *networkingv1.Ingress) *metav1.ObjectMeta { return &o.ObjectMeta },
		func(s *snapshot.Snapshot, v []networkingv1.Ingress) { s.Ingresses = v }),
	typed(snapshot.ResValidatingWebhookConfigurations,
		func(c *collector) func(context.Context, metav1.ListOptions) (*admissionregistrationv1.ValidatingWebhookConfigurationList, error) {
			return c.cs.AdmissionregistrationV1().ValidatingWebhookConfigurations().List
		},
		func(l *admissionregistrationv1.ValidatingWebhookConfigurationList) ([]admissionregistrationv1.ValidatingWebhookConfiguration, string) {
			return l.Items, l.Continue
		},
		func(o *admissionregistrationv1.ValidatingWebhookConfiguration) *metav1.ObjectMeta {
			return &o.ObjectMeta
		},
		func(s *snapshot.Snapshot, v []admissionregistrationv1.ValidatingWebhookConfiguration) {
			s.ValidatingWebhookConfigurations = v
		}),
	typed(snapshot.ResMutatingWebhookConfigurations,
		func(c *collector) func(context.Context, metav1.ListOptions) (*admissionregistrationv1.MutatingWebhookConfigurationList, error) {
			return c.cs.AdmissionregistrationV1().MutatingWebhookConfigurations().List
		},
		func(l *admissionregistrationv1.MutatingWebhookConfigurationList) ([]admissionregistrationv1.MutatingWebhookConfiguration, string) {
			return l.Items, l.Continue
		},
		func(o *admissionregistrationv1.MutatingWebhookConfiguration) *metav1.ObjectMeta { return &o.ObjectMeta },
		func(s *snapshot.Snapshot, v []admissionregistrationv1.MutatingWebhookConfiguration) {
			s.MutatingWebhookConfigurations = v
		}),
	{resource: snapshot.ResSecrets, list: listSecretMetadata},
}

// lastApplied is kubectl's copy of an object's last applied manifest. It duplicates the spec
// (doubling the snapshot's size) and, on a Secret, holds the secret's data in clear: it is
// always dropped.
const lastApplied = "kubectl.kubernetes.io/last-applied-configuration"

// compactMeta drops what no check reads and what must not be kept.
func compactMeta(m *metav1.ObjectMeta) {
	m.ManagedFields = nil
	delete(m.Annotations, lastApplied)
}
