// Package snapshot holds the serialisable state of a cluster that kubeposture audits.
//
// A snapshot is written by `audit collect`, read by `audit scan --snapshot`, and is the raw
// evidence of an audit: every verdict in a report can be traced back to an object in it.
// Objects are kept in their Kubernetes API form (managedFields dropped), so a reader can
// compare them with `kubectl get -o json`. Secrets are kept as metadata and type only.
//
// This package is the schema. Package snapfile reads and writes the document; package intern
// makes the objects of a snapshot share their repeated parts as they are read.
package snapshot

import (
	"errors"
	"fmt"
	"time"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kubeletv1beta1 "k8s.io/kubelet/config/v1beta1"
)

// APIVersion and Kind identify a snapshot document. The version changes when a reader of an
// older document could misread a newer one.
const (
	APIVersion = "kubeposture.io/v1alpha1"
	Kind       = "Snapshot"
)

// New returns an empty snapshot with its type fields set.
func New() *Snapshot {
	return &Snapshot{APIVersion: APIVersion, Kind: Kind, Resources: map[Resource]Collection{}}
}

// Snapshot is everything the checks read. Checks never call the API: what is not here was
// not seen, and Resources says why.
type Snapshot struct {
	APIVersion  string    `json:"apiVersion"`
	Kind        string    `json:"kind"`
	Cluster     Cluster   `json:"cluster"`
	CollectedAt time.Time `json:"collectedAt"`
	ToolVersion string    `json:"toolVersion"`

	// Resources records, for every resource the collector tried, whether it was collected
	// (and how many objects), forbidden, not found, or failed. A missing key means the
	// resource was not attempted, which checks treat like "not collected".
	Resources map[Resource]Collection `json:"resources"`

	// ControlPlane holds the control-plane components found as static (mirror) pods in
	// kube-system. Empty on managed control planes, where the provider runs them.
	ControlPlane []Component `json:"controlPlane,omitempty"`
	// Kubelets holds each node's effective kubelet configuration, read from
	// /api/v1/nodes/NAME/proxy/configz.
	Kubelets []Kubelet `json:"kubelets,omitempty"`
	// Files are control-plane configuration files given on the command line (see
	// controlplane.go); nil when none was.
	Files *ControlPlaneFiles `json:"files,omitempty"`
	// APIServer is what the collector observed the API server do (controlplane.go).
	APIServer *APIServerObservations `json:"apiServer,omitempty"`
	// NodeReports are what `audit node` saw on each node (snapshot/node.go), merged by
	// `audit scan --node-reports`.
	NodeReports []NodeReport `json:"nodeReports,omitempty"`
	// ImageScans are the vulnerability scans of the distinct images the pods run, one per
	// digest (images.go), recorded with --scan-images; Resources[ResImages] says how it went.
	ImageScans []ImageScan `json:"imageScans,omitempty"`

	// Sources maps an object read from a manifest file (`audit scan -f`) to that file, keyed
	// as a report names the object ("Kind/namespace/name", or "Kind/name" for a cluster-scoped
	// one), so that a finding can point at the line of code to change. Empty for a live cluster.
	Sources map[string]string `json:"sources,omitempty"`

	// The lists of Kubernetes objects, each a row of CollectedKinds (kinds.go). Pods are kept
	// without status.conditions, and with each container status reduced to its name, image
	// and imageID (the running digest) (collect/listers.go compactPod).
	Nodes           []corev1.Node           `json:"nodes,omitempty"`
	Namespaces      []corev1.Namespace      `json:"namespaces,omitempty"`
	Pods            []corev1.Pod            `json:"pods,omitempty"`
	Deployments     []appsv1.Deployment     `json:"deployments,omitempty"`
	StatefulSets    []appsv1.StatefulSet    `json:"statefulSets,omitempty"`
	DaemonSets      []appsv1.DaemonSet      `json:"daemonSets,omitempty"`
	ReplicaSets     []appsv1.ReplicaSet     `json:"replicaSets,omitempty"`
	Jobs            []batchv1.Job           `json:"jobs,omitempty"`
	CronJobs        []batchv1.CronJob       `json:"cronJobs,omitempty"`
	ServiceAccounts []corev1.ServiceAccount `json:"serviceAccounts,omitempty"`
	// Secrets are metadata and type only: the collector never requests a secret's data.
	Secrets    []SecretMeta       `json:"secrets,omitempty"`
	ConfigMaps []corev1.ConfigMap `json:"configMaps,omitempty"`

	Roles               []rbacv1.Role               `json:"roles,omitempty"`
	ClusterRoles        []rbacv1.ClusterRole        `json:"clusterRoles,omitempty"`
	RoleBindings        []rbacv1.RoleBinding        `json:"roleBindings,omitempty"`
	ClusterRoleBindings []rbacv1.ClusterRoleBinding `json:"clusterRoleBindings,omitempty"`

	NetworkPolicies []networkingv1.NetworkPolicy `json:"networkPolicies,omitempty"`
	Services        []corev1.Service             `json:"services,omitempty"`
	Ingresses       []networkingv1.Ingress       `json:"ingresses,omitempty"`
	// CNIPolicies are the network plugins' own policies (Cilium, Calico), when their CRDs
	// are installed; Resources records each kind's outcome (see snapshot/cni.go).
	CNIPolicies []CNIPolicy `json:"cniPolicies,omitempty"`
	// APIGroups are the names of the API groups the server serves, sorted (discovery):
	// which CRDs are installed, the network plugins' among them. Resources[ResAPIGroups]
	// records the outcome.
	APIGroups []string `json:"apiGroups,omitempty"`

	ValidatingWebhookConfigurations []admissionregistrationv1.ValidatingWebhookConfiguration `json:"validatingWebhookConfigurations,omitempty"`
	MutatingWebhookConfigurations   []admissionregistrationv1.MutatingWebhookConfiguration   `json:"mutatingWebhookConfigurations,omitempty"`

	// derived holds what readers build from the snapshot (Derived, derived.go); it is not
	// part of the document.
	derived derived
}

// Provider is the platform a cluster runs on, as far as the collector could tell.
type Provider string

const (
	ProviderEKS     Provider = "eks"
	ProviderGKE     Provider = "gke"
	ProviderAKS     Provider = "aks"
	ProviderKubeadm Provider = "kubeadm"
	ProviderK3s     Provider = "k3s"
	ProviderUnknown Provider = "unknown"
)

// Managed reports whether the provider runs the control plane, so that its flags and files
// are out of the user's reach (and out of ours).
func (p Provider) Managed() bool {
	return p == ProviderEKS || p == ProviderGKE || p == ProviderAKS
}

// Cluster identifies the audited cluster.
type Cluster struct {
	// UID is the kube-system namespace's UID: stable for the life of a cluster, unlike its
	// server URL or context name.
	UID      string   `json:"uid,omitempty"`
	Server   string   `json:"server,omitempty"`
	Version  string   `json:"version,omitempty"`
	Provider Provider `json:"provider"`
}

// Resource names a collected resource the way RBAC does: plural, with its API group
// ("pods", "deployments.apps", "nodes/proxy" for kubelet configz).
type Resource string

const (
	ResNodes                           Resource = "nodes"
	ResKubeletConfigs                  Resource = "nodes/proxy"
	ResNamespaces                      Resource = "namespaces"
	ResPods                            Resource = "pods"
	ResDeployments                     Resource = "deployments.apps"
	ResStatefulSets                    Resource = "statefulsets.apps"
	ResDaemonSets                      Resource = "daemonsets.apps"
	ResReplicaSets                     Resource = "replicasets.apps"
	ResJobs                            Resource = "jobs.batch"
	ResCronJobs                        Resource = "cronjobs.batch"
	ResServiceAccounts                 Resource = "serviceaccounts"
	ResSecrets                         Resource = "secrets"
	ResConfigMaps                      Resource = "configmaps"
	ResRoles                           Resource = "roles.rbac.authorization.k8s.io"
	ResClusterRoles                    Resource = "clusterroles.rbac.authorization.k8s.io"
	ResRoleBindings                    Resource = "rolebindings.rbac.authorization.k8s.io"
	ResClusterRoleBindings             Resource = "clusterrolebindings.rbac.authorization.k8s.io"
	ResNetworkPolicies                 Resource = "networkpolicies.networking.k8s.io"
	ResServices                        Resource = "services"
	ResIngresses                       Resource = "ingresses.networking.k8s.io"
	ResValidatingWebhookConfigurations Resource = "validatingwebhookconfigurations.admissionregistration.k8s.io"
	ResMutatingWebhookConfigurations   Resource = "mutatingwebhookconfigurations.admissionregistration.k8s.io"
	// ResControlPlane is derived from kube-system pods; it is "collected" when pods were, and
	// its count is the number of components found.
	ResControlPlane Resource = "controlplane"
	// ResImages is the vulnerability scan of the running images (--scan-images): "collected"
	// when every image was scanned, "partial" when some failed (ImageScans[].Error says why);
	// its count is the number of distinct images.
	ResImages Resource = "images"
)

// State is what happened when the collector tried a resource.
type State string

const (
	Collected State = "collected"
	Forbidden State = "forbidden"
	NotFound  State = "notFound"
	Failed    State = "failed"
	// Partial: some objects were collected, others not (for example configz on some nodes).
	Partial State = "partial"
)

// Collection is the outcome for one resource.
type Collection struct {
	State   State  `json:"state"`
	Count   int    `json:"count"`
	Message string `json:"message,omitempty"`
}

// Status returns the collection outcome of r, and whether r was attempted at all.
func (s *Snapshot) Status(r Resource) (Collection, bool) {
	c, ok := s.Resources[r]
	return c, ok
}

// Component is a control-plane component found as a static (mirror) pod.
type Component struct {
	// Name is kube-apiserver, kube-controller-manager, kube-scheduler or etcd.
	Name      string `json:"name"`
	Namespace string `json:"namespace"`
	Pod       string `json:"pod"`
	Node      string `json:"node,omitempty"`
	Image     string `json:"image,omitempty"`
	// Mirror is true when the pod is the API server's mirror of a kubelet static pod.
	Mirror  bool     `json:"mirror"`
	Command []string `json:"command,omitempty"`
	Args    []string `json:"args,omitempty"`
	// Flags are parsed from Command then Args, in order, repeats kept: single-value flags
	// are last-wins, which Flag lookups honour.
	Flags []Flag `json:"flags,omitempty"`
	// Env holds the literal environment values of the component's container (etcd reads
	// ETCD_* variables as flags). Values from secrets or config maps are not resolved.
	Env []corev1.EnvVar `json:"env,omitempty"`
	// Manifest is the path on Node of the static pod manifest the component was read from: set
	// in node reports (and on what Snapshot.Components derives from them), empty for a
	// component read from its pod.
	Manifest string `json:"manifest,omitempty"`
	// Static is the component as the manifest on its node declares it, beside the one read from
	// its mirror pod (what runs), when a node report holds that manifest: set by
	// Snapshot.Components, not part of the document.
	Static *Component `json:"-"`
}

// Flag is one command-line flag occurrence.
type Flag struct {
	Name  string `json:"name"`
	Value string `json:"value"`
	// Bare is true for a flag given without a value (--profiling), which pflag reads as true
	// for a boolean flag.
	Bare bool `json:"bare,omitempty"`
}

// Kubelet is one node's kubelet configuration as the collector saw it.
type Kubelet struct {
	Node string `json:"node"`
	// Collection says whether configz was read for this node, and why not.
	Collection Collection `json:"collection"`
	// Config is the effective configuration the kubelet reports: flags already merged over
	// its config file and defaults.
	Config *kubeletv1beta1.KubeletConfiguration `json:"config,omitempty"`
}

// SecretMeta is a secret without its data: name, labels, annotations, owner and type.
type SecretMeta struct {
	metav1.ObjectMeta `json:"metadata"`
	Type              corev1.SecretType `json:"type"`
}

// Validate checks the fields a reader relies on: the document type, and that every
// collection state is one this version knows.
func (s *Snapshot) Validate() error {
	if s.APIVersion != APIVersion || s.Kind != Kind {
		if s.APIVersion == "" && s.Kind == "" {
			return fmt.Errorf("field apiVersion/kind: missing; not a kubeposture snapshot (expected apiVersion %q, kind %q)", APIVersion, Kind)
		}
		return fmt.Errorf("field apiVersion/kind: got %q/%q, this version of audit reads %q/%q", s.APIVersion, s.Kind, APIVersion, Kind)
	}
	if s.Resources == nil {
		return errors.New("field resources: missing; without it no check can tell collected from forbidden")
	}
	for r, c := range s.Resources {
		switch c.State {
		case Collected, Forbidden, NotFound, Failed, Partial:
		default:
			return fmt.Errorf("field resources[%q].state: unknown state %q (want collected, forbidden, notFound, failed or partial)", r, c.State)
		}
		if c.Count < 0 {
			return fmt.Errorf("field resources[%q].count: negative count %d", r, c.Count)
		}
	}
	for i, k := range s.Kubelets {
		if k.Node == "" {
			return fmt.Errorf("field kubelets[%d].node: empty node name", i)
		}
	}
	for i, c := range s.ControlPlane {
		if c.Name == "" {
			return fmt.Errorf("field controlPlane[%d].name: empty component name", i)
		}
	}
	return nil
}
