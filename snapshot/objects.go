package snapshot

import metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

// ObjectKey names an object the way check results do: its kind, namespace (empty for a
// cluster-scoped object) and name.
type ObjectKey struct {
	Kind, Namespace, Name string
}

// ObjectMetas indexes the metadata (labels, annotations) of the snapshot's objects by kind,
// namespace and name, so that a result about "Pod/ns/name" can be tied back to its object.
// Objects the snapshot does not hold (users, groups, components) are not in it.
func (s *Snapshot) ObjectMetas() map[ObjectKey]*metav1.ObjectMeta {
	m := map[ObjectKey]*metav1.ObjectMeta{}
	add := func(kind string, om *metav1.ObjectMeta) {
		m[ObjectKey{kind, om.Namespace, om.Name}] = om
	}
	for i := range s.Nodes {
		add("Node", &s.Nodes[i].ObjectMeta)
	}
	for i := range s.Namespaces {
		add("Namespace", &s.Namespaces[i].ObjectMeta)
	}
	for i := range s.Pods {
		add("Pod", &s.Pods[i].ObjectMeta)
	}
	for i := range s.Deployments {
		add("Deployment", &s.Deployments[i].ObjectMeta)
	}
	for i := range s.StatefulSets {
		add("StatefulSet", &s.StatefulSets[i].ObjectMeta)
	}
	for i := range s.DaemonSets {
		add("DaemonSet", &s.DaemonSets[i].ObjectMeta)
	}
	for i := range s.ReplicaSets {
		add("ReplicaSet", &s.ReplicaSets[i].ObjectMeta)
	}
	for i := range s.Jobs {
		add("Job", &s.Jobs[i].ObjectMeta)
	}
	for i := range s.CronJobs {
		add("CronJob", &s.CronJobs[i].ObjectMeta)
	}
	for i := range s.ServiceAccounts {
		add("ServiceAccount", &s.ServiceAccounts[i].ObjectMeta)
	}
	for i := range s.Secrets {
		add("Secret", &s.Secrets[i].ObjectMeta)
	}
	for i := range s.ConfigMaps {
		add("ConfigMap", &s.ConfigMaps[i].ObjectMeta)
	}
	for i := range s.Roles {
		add("Role", &s.Roles[i].ObjectMeta)
	}
	for i := range s.ClusterRoles {
		add("ClusterRole", &s.ClusterRoles[i].ObjectMeta)
	}
	for i := range s.RoleBindings {
		add("RoleBinding", &s.RoleBindings[i].ObjectMeta)
	}
	for i := range s.ClusterRoleBindings {
		add("ClusterRoleBinding", &s.ClusterRoleBindings[i].ObjectMeta)
	}
	for i := range s.NetworkPolicies {
		add("NetworkPolicy", &s.NetworkPolicies[i].ObjectMeta)
	}
	for i := range s.Services {
		add("Service", &s.Services[i].ObjectMeta)
	}
	for i := range s.Ingresses {
		add("Ingress", &s.Ingresses[i].ObjectMeta)
	}
	return m
}
