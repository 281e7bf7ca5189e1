package snapshot

// Control-plane configuration files given to `audit` on the command line (--encryption-config,
// --audit-policy). They are parsed when read and kept as their shape only: an
// EncryptionConfiguration's keys and secrets are never decoded into any field.
const (
	ResEncryptionConfig Resource = "file/encryption-config"
	ResAuditPolicy      Resource = "file/audit-policy"
)

// ControlPlaneFiles holds the parsed files. A nil field was not given.
type ControlPlaneFiles struct {
	Encryption  *EncryptionConfig `json:"encryption,omitempty"`
	AuditPolicy *AuditPolicy      `json:"auditPolicy,omitempty"`
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
