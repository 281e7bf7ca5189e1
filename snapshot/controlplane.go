package snapshot

// Control-plane configuration files given to `audit` on the command line (--encryption-config,
// --audit-policy). They are parsed when read and kept as their shape only: an
// EncryptionConfiguration's keys and secrets are never decoded into any field.
const (
	ResEncryptionConfig Resource = "file/encryption-config"
	ResAuditPolicy      Resource = "file/audit-policy"
	// ResAdmissionConfig: the API server's --admission-control-config-file, of which the
	// PodSecurity plugin's configuration is kept.
	ResAdmissionConfig Resource = "file/admission-config"
)

// ControlPlaneFiles holds the parsed files. A nil field was not given.
type ControlPlaneFiles struct {
	Encryption     *EncryptionConfig     `json:"encryption,omitempty"`
	AuditPolicy    *AuditPolicy          `json:"auditPolicy,omitempty"`
	Authorization  *AuthorizationConfig  `json:"authorization,omitempty"`
	Authentication *AuthenticationConfig `json:"authentication,omitempty"`
	PodSecurity    *PodSecurityConfig    `json:"podSecurity,omitempty"`
}

// PodSecurityConfig is the PodSecurity admission plugin's configuration
// (pod-security.admission.config.k8s.io PodSecurityConfiguration) as the API server applies it:
// the cluster-wide defaults a namespace without labels gets, and the exemptions.
type PodSecurityConfig struct {
	// Path is the file as given to audit.
	Path string `json:"path"`
	// Source says where in the file the configuration came from: "inline", a path, or
	// "defaults" when the admission configuration has no PodSecurity entry.
	Source     string                `json:"source"`
	Defaults   PodSecurityDefaults   `json:"defaults"`
	Exemptions PodSecurityExemptions `json:"exemptions"`
}

// PodSecurityDefaults are the levels and versions of each mode, defaulted as the plugin
// defaults them (privileged, latest).
type PodSecurityDefaults struct {
	Enforce        string `json:"enforce"`
	EnforceVersion string `json:"enforceVersion"`
	Audit          string `json:"audit"`
	AuditVersion   string `json:"auditVersion"`
	Warn           string `json:"warn"`
	WarnVersion    string `json:"warnVersion"`
}

// PodSecurityExemptions are the requests the plugin does not judge at all.
type PodSecurityExemptions struct {
	Usernames      []string `json:"usernames,omitempty"`
	Namespaces     []string `json:"namespaces,omitempty"`
	RuntimeClasses []string `json:"runtimeClasses,omitempty"`
}

// EncryptionConfig is the shape of an apiserver.config.k8s.io EncryptionConfiguration.
type EncryptionConfig struct {
	// Path is the file as given to audit.
	Path      string                `json:"path"`
	Resources []EncryptionResources `json:"resources"`
}

// EncryptionResources is one resources[] entry: its resources and providers, in order.
type EncryptionResources struct {
	Resources []string             `json:"resources"`
	Providers []EncryptionProvider `json:"providers"`
}

// EncryptionProvider is one provider: its type and, for kms, the API version and name; for
// the others, the names of its keys (never their secrets).
type EncryptionProvider struct {
	// Type is identity, aesgcm, aescbc, secretbox or kms.
	Type       string   `json:"type"`
	KMSVersion string   `json:"kmsVersion,omitempty"`
	Name       string   `json:"name,omitempty"`
	KeyNames   []string `json:"keyNames,omitempty"`
}

// AuditPolicy is an audit.k8s.io/v1 Policy, as far as the checks read it.
type AuditPolicy struct {
	Path  string            `json:"path"`
	Rules []AuditPolicyRule `json:"rules"`
}

// AuditPolicyRule is one rule; empty lists match everything, as in the API server.
type AuditPolicyRule struct {
	Level           string                `json:"level"`
	Users           []string              `json:"users,omitempty"`
	UserGroups      []string              `json:"userGroups,omitempty"`
	Verbs           []string              `json:"verbs,omitempty"`
	Resources       []AuditGroupResources `json:"resources,omitempty"`
	Namespaces      []string              `json:"namespaces,omitempty"`
	NonResourceURLs []string              `json:"nonResourceURLs,omitempty"`
}

// AuditGroupResources is one resources[] entry of an audit rule.
type AuditGroupResources struct {
	Group         string   `json:"group,omitempty"`
	Resources     []string `json:"resources,omitempty"`
	ResourceNames []string `json:"resourceNames,omitempty"`
}

// Resources for what the collector observes of the API server itself.
const (
	// ResAPIServerMetrics: the API server's /metrics, of which only the storage
	// transformation counters for secrets are kept.
	ResAPIServerMetrics Resource = "nonresource/metrics"
	// ResAnonymousProbe: the opt-in anonymous probe (audit scan --probe-anonymous).
	ResAnonymousProbe Resource = "probe/anonymous"
)

// APIServerObservations is what the collector saw the API server do, as opposed to how it
// is configured.
type APIServerObservations struct {
	// SecretTransformations are apiserver_storage_transformation_operations_total samples for
	// resource "secrets" (k8s.io/apiserver pkg/storage/value/metrics.go), from the API server
	// instance that answered /metrics.
	SecretTransformations []TransformationCount `json:"secretTransformations,omitempty"`
	// Anonymous holds the probe's requests without credentials; nil when not probed.
	Anonymous []ProbeResult `json:"anonymous,omitempty"`
}

// TransformationCount is one sample of the transformation counter.
type TransformationCount struct {
	// Type is to_storage (encrypt on write) or from_storage (decrypt on read).
	Type string `json:"type"`
	// Prefix is the transformer's prefix (k8s:enc:aesgcm:v1:KEYNAME:, ...); "" or
	// "identity" for plain text.
	Prefix string  `json:"prefix"`
	Status string  `json:"status"`
	Count  float64 `json:"count"`
}

// ProbeResult is one anonymous GET.
type ProbeResult struct {
	Path string `json:"path"`
	// Code is the HTTP status; 0 when the request failed.
	Code  int    `json:"code"`
	Error string `json:"error,omitempty"`
}

// The API server's structured authentication and authorization files.
const (
	ResAuthenticationConfig Resource = "file/authentication-config"
	ResAuthorizationConfig  Resource = "file/authorization-config"
)

// AuthorizationConfig is the shape of an apiserver.config.k8s.io AuthorizationConfiguration
// (--authorization-config): the authorizer types, in chain order.
type AuthorizationConfig struct {
	Path        string   `json:"path"`
	Authorizers []string `json:"authorizers"`
}

// AuthenticationConfig is the part of an AuthenticationConfiguration (--authentication-config)
// the checks read: its anonymous section and its JWT authenticators.
type AuthenticationConfig struct {
	Path string `json:"path"`
	// Anonymous is nil when the file has no anonymous section (the --anonymous-auth flag then
	// decides).
	Anonymous *AnonymousConfig `json:"anonymous,omitempty"`
	// JWT are the JWT (OIDC) authenticators, as k8s.io/apiserver decodes them.
	JWT []JWTAuthenticator `json:"jwt,omitempty"`
	// Invalid lists what k8s.io/apiserver's validation refuses in the file: the API server
	// would not start with it.
	Invalid []string `json:"invalid,omitempty"`
}

// JWTAuthenticator is one jwt[] entry of an AuthenticationConfiguration: its issuer and how it
// maps claims to a Kubernetes user. No secret is kept (the file holds none: the CA is a
// certificate).
type JWTAuthenticator struct {
	Issuer       string   `json:"issuer"`
	DiscoveryURL string   `json:"discoveryURL,omitempty"`
	Audiences    []string `json:"audiences,omitempty"`
	// UsernamePrefix and GroupsPrefix are nil when unset, "" when set empty.
	UsernameClaim        string  `json:"usernameClaim,omitempty"`
	UsernamePrefix       *string `json:"usernamePrefix,omitempty"`
	UsernameExpression   string  `json:"usernameExpression,omitempty"`
	GroupsClaim          string  `json:"groupsClaim,omitempty"`
	GroupsPrefix         *string `json:"groupsPrefix,omitempty"`
	GroupsExpression     string  `json:"groupsExpression,omitempty"`
	ClaimValidationRules int     `json:"claimValidationRules,omitempty"`
	UserValidationRules  int     `json:"userValidationRules,omitempty"`
}

// AnonymousConfig is the anonymous authenticator: on or off, and the paths it is limited to
// (none: every path).
type AnonymousConfig struct {
	Enabled bool     `json:"enabled"`
	Paths   []string `json:"paths,omitempty"`
}
