package snapshot

import "encoding/json"

// The network plugins' own policy kinds. When their CustomResourceDefinitions are installed,
// these policies act alongside (Cilium: as further allows and denies; Calico: ordered, before
// Kubernetes policies) the NetworkPolicies the netpol engine evaluates, so conclusions about
// the pods they may select are not sound without them.
const (
	ResCiliumNetworkPolicies            Resource = "ciliumnetworkpolicies.cilium.io"
	ResCiliumClusterwideNetworkPolicies Resource = "ciliumclusterwidenetworkpolicies.cilium.io"
	ResCalicoNetworkPolicies            Resource = "networkpolicies.crd.projectcalico.org"
	ResCalicoGlobalNetworkPolicies      Resource = "globalnetworkpolicies.crd.projectcalico.org"
)

// ResAPIGroups is API discovery (GET /apis): which API groups the server serves. A
// CustomResourceDefinition adds its group, so the list says which network plugins installed
// their APIs; its count is the number of groups.
const ResAPIGroups Resource = "nonresource/apis"

// CNIPolicyResources lists the plugin policy kinds the collector looks for.
var CNIPolicyResources = []Resource{
	ResCiliumNetworkPolicies, ResCiliumClusterwideNetworkPolicies,
	ResCalicoNetworkPolicies, ResCalicoGlobalNetworkPolicies,
}

// CNIPolicy is one policy object of a network plugin, kept as collected: its spec is not
// interpreted yet, only its presence and scope.
type CNIPolicy struct {
	// Resource is the kind, as in Resources ("ciliumnetworkpolicies.cilium.io").
	Resource   Resource `json:"resource"`
	APIVersion string   `json:"apiVersion"`
	Kind       string   `json:"kind"`
	// Namespace is empty for cluster-wide kinds, whose policies may select pods of every
	// namespace.
	Namespace string `json:"namespace,omitempty"`
	Name      string `json:"name"`
	// Spec is the object's spec (Cilium may use specs instead), for a later evaluation.
	Spec json.RawMessage `json:"spec,omitempty"`
}
