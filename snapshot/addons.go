package snapshot

// Add-on kinds: the custom resources of a service mesh (Istio, Linkerd), of a secret store
// (External Secrets Operator, the Secrets Store CSI driver) and of the Gateway API. The
// collector reads them through discovery and the dynamic client, as it reads the network
// plugins' policies (cni.go): a kind whose API is not served is recorded as collected with no
// objects, and one it could not list (forbidden, failed) leaves the controls that read it
// NOT_EVALUATED. Each is kept as a small struct of the fields the checks read: never a spec
// whole, never a credential or a secret's value.
const (
	ResIstioPeerAuthentications     Resource = "peerauthentications.security.istio.io"
	ResIstioDestinationRules        Resource = "destinationrules.networking.istio.io"
	ResLinkerdServers               Resource = "servers.policy.linkerd.io"
	ResLinkerdAuthorizationPolicies Resource = "authorizationpolicies.policy.linkerd.io"
	ResExternalSecrets              Resource = "externalsecrets.external-secrets.io"
	ResSecretStores                 Resource = "secretstores.external-secrets.io"
	ResClusterSecretStores          Resource = "clustersecretstores.external-secrets.io"
	ResSecretProviderClasses        Resource = "secretproviderclasses.secrets-store.csi.x-k8s.io"
	ResGateways                     Resource = "gateways.gateway.networking.k8s.io"
	ResHTTPRoutes                   Resource = "httproutes.gateway.networking.k8s.io"
)

// AddonResources lists the add-on kinds the collector looks for, in collection order.
var AddonResources = []Resource{
	ResIstioPeerAuthentications, ResIstioDestinationRules,
	ResLinkerdServers, ResLinkerdAuthorizationPolicies,
	ResExternalSecrets, ResSecretStores, ResClusterSecretStores, ResSecretProviderClasses,
	ResGateways, ResHTTPRoutes,
}

// CustomResources are the custom kinds the collector lists when their API is served: the
// network plugins' policy kinds and the add-on kinds. Each is listed with the permission
// "list RESOURCE" (checks.Permission), which the shipped ClusterRole grants.
func CustomResources() []Resource {
	return append(append([]Resource{}, CNIPolicyResources...), AddonResources...)
}

// PeerAuthentication is an Istio PeerAuthentication (security.istio.io): the mutual TLS mode
// of the workloads it selects.
type PeerAuthentication struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	// Selector is spec.selector.matchLabels; empty for a policy of the whole namespace (of the
	// whole mesh in the root namespace).
	Selector map[string]string `json:"selector,omitempty"`
	// Mode is spec.mtls.mode: STRICT, PERMISSIVE, DISABLE, UNSET, or "" when not set
	// (inherited, as UNSET).
	Mode string `json:"mode,omitempty"`
	// PortModes is spec.portLevelMtls: port number → mode.
	PortModes map[string]string `json:"portModes,omitempty"`
}

// DestinationRule is an Istio DestinationRule (networking.istio.io): the TLS its clients use
// towards a host.
type DestinationRule struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	// Host is spec.host: a service's short or full name, or a wildcard.
	Host string `json:"host"`
	// TLS lists every tls.mode the rule sets, with where.
	TLS []TLSSetting `json:"tls,omitempty"`
}

// TLSSetting is one tls.mode of a DestinationRule and its field path.
type TLSSetting struct {
	Where string `json:"where"`
	Mode  string `json:"mode"`
}

// LinkerdServer is a Linkerd Server (policy.linkerd.io): a port of the pods it selects, which
// then takes only the traffic an authorization allows.
type LinkerdServer struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	// Port is spec.port (a number or a container port's name).
	Port string `json:"port,omitempty"`
}

// LinkerdAuthorizationPolicy is a Linkerd AuthorizationPolicy (policy.linkerd.io): who may
// reach its target.
type LinkerdAuthorizationPolicy struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	// TargetKind and TargetName are spec.targetRef's (Server, HTTPRoute, Namespace).
	TargetKind string `json:"targetKind,omitempty"`
	TargetName string `json:"targetName,omitempty"`
	// Authentications are the kinds of spec.requiredAuthenticationRefs
	// (MeshTLSAuthentication, NetworkAuthentication, ServiceAccount).
	Authentications []string `json:"authentications,omitempty"`
}

// ExternalSecret is an External Secrets Operator ExternalSecret (external-secrets.io): the
// Secret it writes and the store it reads from.
type ExternalSecret struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	// Target is the Secret it writes: spec.target.name, or the ExternalSecret's name.
	Target string `json:"target"`
	// StoreKind and StoreName are spec.secretStoreRef's (kind SecretStore when not set).
	StoreKind string `json:"storeKind,omitempty"`
	StoreName string `json:"storeName,omitempty"`
}

// SecretStore is an External Secrets Operator SecretStore or ClusterSecretStore: which
// provider it reads, and for a cluster store which namespaces may use it. Its provider's
// settings (addresses, credentials' references) are not kept.
type SecretStore struct {
	// Kind is SecretStore or ClusterSecretStore; Namespace is empty for the latter.
	Kind      string `json:"kind"`
	Namespace string `json:"namespace,omitempty"`
	Name      string `json:"name"`
	// Provider is the name of the one key of spec.provider ("vault", "aws", …).
	Provider string `json:"provider,omitempty"`
	// Conditions are spec.conditions, which limit the namespaces whose ExternalSecrets may use
	// a ClusterSecretStore; none means every namespace may.
	Conditions []StoreCondition `json:"conditions,omitempty"`
}

// StoreCondition is one of a ClusterSecretStore's spec.conditions.
type StoreCondition struct {
	Namespaces       []string `json:"namespaces,omitempty"`
	NamespaceRegexes []string `json:"namespaceRegexes,omitempty"`
	// NamespaceSelector is spec.conditions[].namespaceSelector, as a label selector string.
	NamespaceSelector string `json:"namespaceSelector,omitempty"`
}

// SecretProviderClass is a Secrets Store CSI driver SecretProviderClass
// (secrets-store.csi.x-k8s.io): its provider and the Secrets it syncs from the mounted files.
type SecretProviderClass struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	Provider  string `json:"provider,omitempty"`
	// SecretObjects are the names of spec.secretObjects[].secretName.
	SecretObjects []string `json:"secretObjects,omitempty"`
}

// Gateway is a Gateway API Gateway (gateway.networking.k8s.io): its listeners and the
// addresses it was given.
type Gateway struct {
	Namespace string     `json:"namespace"`
	Name      string     `json:"name"`
	Class     string     `json:"gatewayClassName,omitempty"`
	Listeners []Listener `json:"listeners,omitempty"`
	// Addresses are status.addresses[].value: where the Gateway is reachable.
	Addresses []string `json:"addresses,omitempty"`
}

// Listener is one of a Gateway's spec.listeners.
type Listener struct {
	Name     string `json:"name"`
	Protocol string `json:"protocol"`
	Port     int64  `json:"port"`
	Hostname string `json:"hostname,omitempty"`
	// TLSMode is tls.mode (Terminate when tls is set without it), "" without tls.
	TLSMode string `json:"tlsMode,omitempty"`
	// TLSOptions are tls.options: implementation-specific settings (minimum version, ciphers).
	TLSOptions map[string]string `json:"tlsOptions,omitempty"`
}

// HTTPRoute is a Gateway API HTTPRoute: the listeners it attaches to, and whether it only
// redirects to HTTPS.
type HTTPRoute struct {
	Namespace string      `json:"namespace"`
	Name      string      `json:"name"`
	Parents   []ParentRef `json:"parents,omitempty"`
	Hostnames []string    `json:"hostnames,omitempty"`
	// RedirectsToHTTPS is true when every rule answers with a RequestRedirect filter to the
	// https scheme.
	RedirectsToHTTPS bool `json:"redirectsToHTTPS,omitempty"`
}

// ParentRef is one of an HTTPRoute's spec.parentRefs to a Gateway (namespace defaulted to
// the route's).
type ParentRef struct {
	Namespace   string `json:"namespace"`
	Name        string `json:"name"`
	SectionName string `json:"sectionName,omitempty"`
	Port        int64  `json:"port,omitempty"`
}
