package collect

import (
	"fmt"
	"strings"

	"github.com/kubeposture/kubeposture/internal/sizelimit"
	"github.com/kubeposture/kubeposture/internal/strictyaml"
	"github.com/kubeposture/kubeposture/snapshot"
)

// ReadEncryptionConfig reads an EncryptionConfiguration file (the API server's
// --encryption-provider-config) into its shape. Key secrets are decoded into no field, so they
// never reach a snapshot.
func ReadEncryptionConfig(path string) (*snapshot.EncryptionConfig, error) {
	data, err := sizelimit.ReadFile(path, sizelimit.ConfigFile, "a configuration file")
	if err != nil {
		return nil, fmt.Errorf("encryption configuration: %w", err)
	}
	cfg, err := ParseEncryptionConfig(data)
	if err != nil {
		return nil, fmt.Errorf("encryption configuration %s: %w (give the file the API server's --encryption-provider-config names)", path, err)
	}
	cfg.Path = path
	return cfg, nil
}

// ParseEncryptionConfig parses an apiserver.config.k8s.io/v1 EncryptionConfiguration
// (k8s.io/apiserver pkg/apis/apiserver/v1 types.go). Each provider entry names exactly one
// type; an entry with none or several is refused, as the API server's validation does.
func ParseEncryptionConfig(data []byte) (*snapshot.EncryptionConfig, error) {
	type key struct {
		Name string `json:"name"`
	}
	type keyed struct {
		Keys []key `json:"keys"`
	}
	var doc struct {
		Kind      string `json:"kind"`
		Resources []struct {
			Resources []string `json:"resources"`
			Providers []struct {
				Identity  *struct{} `json:"identity"`
				AESGCM    *keyed    `json:"aesgcm"`
				AESCBC    *keyed    `json:"aescbc"`
				Secretbox *keyed    `json:"secretbox"`
				KMS       *struct {
					APIVersion string `json:"apiVersion"`
					Name       string `json:"name"`
				} `json:"kms"`
			} `json:"providers"`
		} `json:"resources"`
	}
	if err := strictyaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	if doc.Kind != "EncryptionConfiguration" {
		return nil, fmt.Errorf("kind is %q, want EncryptionConfiguration", doc.Kind)
	}
	cfg := &snapshot.EncryptionConfig{}
	for i, r := range doc.Resources {
		e := snapshot.EncryptionResources{Resources: r.Resources}
		for j, p := range r.Providers {
			var types []snapshot.EncryptionProvider
			names := func(k *keyed) []string {
				var out []string
				for _, key := range k.Keys {
					out = append(out, key.Name)
				}
				return out
			}
			if p.Identity != nil {
				types = append(types, snapshot.EncryptionProvider{Type: "identity"})
			}
			if p.AESGCM != nil {
				types = append(types, snapshot.EncryptionProvider{Type: "aesgcm", KeyNames: names(p.AESGCM)})
			}
			if p.AESCBC != nil {
				types = append(types, snapshot.EncryptionProvider{Type: "aescbc", KeyNames: names(p.AESCBC)})
			}
			if p.Secretbox != nil {
				types = append(types, snapshot.EncryptionProvider{Type: "secretbox", KeyNames: names(p.Secretbox)})
			}
			if p.KMS != nil {
				v := p.KMS.APIVersion
				if v == "" {
					v = "v1" // the v1 types' default (SetDefaults_KMSConfiguration)
				}
				types = append(types, snapshot.EncryptionProvider{Type: "kms", KMSVersion: v, Name: p.KMS.Name})
			}
			if len(types) != 1 {
				return nil, fmt.Errorf("resources[%d].providers[%d]: %d provider types, want exactly one", i, j, len(types))
			}
			e.Providers = append(e.Providers, types[0])
		}
		cfg.Resources = append(cfg.Resources, e)
	}
	return cfg, nil
}

// ReadAuditPolicy reads an audit policy file (the API server's --audit-policy-file).
func ReadAuditPolicy(path string) (*snapshot.AuditPolicy, error) {
	data, err := sizelimit.ReadFile(path, sizelimit.ConfigFile, "a configuration file")
	if err != nil {
		return nil, fmt.Errorf("audit policy: %w", err)
	}
	p, err := ParseAuditPolicy(data)
	if err != nil {
		return nil, fmt.Errorf("audit policy %s: %w (give the file the API server's --audit-policy-file names)", path, err)
	}
	p.Path = path
	return p, nil
}

// auditLevels are the levels of audit.k8s.io/v1, from least to most.
var auditLevels = []string{"None", "Metadata", "Request", "RequestResponse"}

// ParseAuditPolicy parses an audit.k8s.io/v1 Policy. A rule without a known level is refused,
// as the API server's validation refuses it.
func ParseAuditPolicy(data []byte) (*snapshot.AuditPolicy, error) {
	var doc struct {
		Kind  string                     `json:"kind"`
		Rules []snapshot.AuditPolicyRule `json:"rules"`
	}
	if err := strictyaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	if doc.Kind != "Policy" {
		return nil, fmt.Errorf("kind is %q, want Policy", doc.Kind)
	}
	for i, r := range doc.Rules {
		if !contains(auditLevels, r.Level) {
			return nil, fmt.Errorf("rules[%d].level %q: want one of %s", i, r.Level, strings.Join(auditLevels, ", "))
		}
	}
	return &snapshot.AuditPolicy{Rules: doc.Rules}, nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// ParseAuthorizationConfig parses an apiserver.config.k8s.io AuthorizationConfiguration
// (k8s.io/apiserver pkg/apis/apiserver/v1 AuthorizerConfiguration): the authorizer types in
// order. Webhook settings are not kept.
func ParseAuthorizationConfig(data []byte) (*snapshot.AuthorizationConfig, error) {
	var doc struct {
		Kind        string `json:"kind"`
		Authorizers []struct {
			Type string `json:"type"`
		} `json:"authorizers"`
	}
	if err := strictyaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	if doc.Kind != "AuthorizationConfiguration" {
		return nil, fmt.Errorf("kind is %q, want AuthorizationConfiguration", doc.Kind)
	}
	cfg := &snapshot.AuthorizationConfig{}
	for i, a := range doc.Authorizers {
		if a.Type == "" {
			return nil, fmt.Errorf("authorizers[%d].type is empty", i)
		}
		cfg.Authorizers = append(cfg.Authorizers, a.Type)
	}
	if len(cfg.Authorizers) == 0 {
		return nil, fmt.Errorf("no authorizers: the API server requires at least one")
	}
	return cfg, nil
}

// ParseAuthenticationConfig parses an apiserver.config.k8s.io AuthenticationConfiguration
// (v1beta1 and v1 AnonymousAuthConfig) and keeps its anonymous section only.
func ParseAuthenticationConfig(data []byte) (*snapshot.AuthenticationConfig, error) {
	var doc struct {
		Kind      string `json:"kind"`
		Anonymous *struct {
			Enabled    bool `json:"enabled"`
			Conditions []struct {
				Path string `json:"path"`
			} `json:"conditions"`
		} `json:"anonymous"`
	}
	if err := strictyaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	if doc.Kind != "AuthenticationConfiguration" {
		return nil, fmt.Errorf("kind is %q, want AuthenticationConfiguration", doc.Kind)
	}
	cfg := &snapshot.AuthenticationConfig{}
	if doc.Anonymous != nil {
		cfg.Anonymous = &snapshot.AnonymousConfig{Enabled: doc.Anonymous.Enabled}
		for _, c := range doc.Anonymous.Conditions {
			cfg.Anonymous.Paths = append(cfg.Anonymous.Paths, c.Path)
		}
	}
	return cfg, nil
}

// FileOptions names control-plane files to read into a snapshot.
type FileOptions struct {
	EncryptionConfig     string
	AuditPolicy          string
	AuthorizationConfig  string
	AuthenticationConfig string
	AdmissionConfig      string
}

// readFile reads and parses path, wrapping errors with what the file is and what to give.
func readFile[T any](path, what, flag string, parse func([]byte) (T, error)) (T, error) {
	var zero T
	data, err := sizelimit.ReadFile(path, sizelimit.ConfigFile, "a configuration file")
	if err != nil {
		return zero, fmt.Errorf("%s: %w", what, err)
	}
	v, err := parse(data)
	if err != nil {
		return zero, fmt.Errorf("%s %s: %w (give the file the API server's %s names)", what, path, err, flag)
	}
	return v, nil
}

// AddFiles reads the files opts names into snap and records each under its Resource. A file
// that cannot be read or parsed is an error: the user named it, so a silent NOT_EVALUATED would
// hide the mistake.
func AddFiles(snap *snapshot.Snapshot, opts FileOptions) error {
	if opts == (FileOptions{}) {
		return nil
	}
	if snap.Files == nil {
		snap.Files = &snapshot.ControlPlaneFiles{}
	}
	if snap.Resources == nil {
		snap.Resources = map[snapshot.Resource]snapshot.Collection{}
	}
	if opts.EncryptionConfig != "" {
		c, err := ReadEncryptionConfig(opts.EncryptionConfig)
		if err != nil {
			return err
		}
		snap.Files.Encryption = c
		snap.Resources[snapshot.ResEncryptionConfig] = snapshot.Collection{State: snapshot.Collected, Count: len(c.Resources)}
	}
	if opts.AuditPolicy != "" {
		p, err := ReadAuditPolicy(opts.AuditPolicy)
		if err != nil {
			return err
		}
		snap.Files.AuditPolicy = p
		snap.Resources[snapshot.ResAuditPolicy] = snapshot.Collection{State: snapshot.Collected, Count: len(p.Rules)}
	}
	if opts.AuthorizationConfig != "" {
		a, err := readFile(opts.AuthorizationConfig, "authorization configuration", "--authorization-config", ParseAuthorizationConfig)
		if err != nil {
			return err
		}
		a.Path = opts.AuthorizationConfig
		snap.Files.Authorization = a
		snap.Resources[snapshot.ResAuthorizationConfig] = snapshot.Collection{State: snapshot.Collected, Count: len(a.Authorizers)}
	}
	if opts.AuthenticationConfig != "" {
		a, err := readFile(opts.AuthenticationConfig, "authentication configuration", "--authentication-config", ParseAuthenticationConfig)
		if err != nil {
			return err
		}
		a.Path = opts.AuthenticationConfig
		snap.Files.Authentication = a
		snap.Resources[snapshot.ResAuthenticationConfig] = snapshot.Collection{State: snapshot.Collected, Count: 1}
	}
	if opts.AdmissionConfig != "" {
		c, err := ReadAdmissionConfig(opts.AdmissionConfig)
		if err != nil {
			return err
		}
		snap.Files.PodSecurity = c
		snap.Resources[snapshot.ResAdmissionConfig] = snapshot.Collection{State: snapshot.Collected, Count: 1}
	}
	return nil
}
