// Package admissionconfig reads the API server's admission configuration
// (--admission-control-config-file) into what kubeposture judges of it: the PodSecurity
// plugin's defaults and exemptions. It is shared by the collector (a copy given with
// --admission-config) and the node agent (the file the API server's static pod names).
package admissionconfig

import (
	"encoding/json"
	"fmt"
	"strings"

	"k8s.io/pod-security-admission/admission/api/load"
	"k8s.io/pod-security-admission/admission/api/validation"

	"github.com/kubeposture/kubeposture/internal/strictyaml"
	"github.com/kubeposture/kubeposture/snapshot"
)

// Parse parses an AdmissionConfiguration (apiserver.config.k8s.io/v1, or the
// older apiserver.k8s.io/v1alpha1) and returns its PodSecurity entry, read with
// k8s.io/pod-security-admission's own loader and validation, so that defaults ("privileged",
// "latest") and refusals are the plugin's. An entry's inline configuration wins over its path,
// as in k8s.io/apiserver; readPath reads a path entry. With no PodSecurity entry the plugin
// runs with its defaults, and so does the result (Source "defaults").
func Parse(data []byte, readPath func(string) ([]byte, error)) (*snapshot.PodSecurityConfig, error) {
	var doc struct {
		Kind    string `json:"kind"`
		Plugins []struct {
			Name          string          `json:"name"`
			Path          string          `json:"path"`
			Configuration json.RawMessage `json:"configuration"`
		} `json:"plugins"`
	}
	if err := strictyaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	var (
		raw    []byte
		source = "defaults"
	)
	switch doc.Kind {
	case "PodSecurityConfiguration":
		raw, source = data, "file"
	case "AdmissionConfiguration":
		for i, p := range doc.Plugins {
			if p.Name != "PodSecurity" {
				continue
			}
			switch {
			case len(p.Configuration) > 0 && string(p.Configuration) != "null":
				raw, source = p.Configuration, "inline"
			case p.Path != "":
				b, err := readPath(p.Path)
				if err != nil {
					return nil, fmt.Errorf("plugins[%d] (PodSecurity) path: %w", i, err)
				}
				raw, source = b, p.Path
			}
		}
	default:
		return nil, fmt.Errorf("kind is %q, want AdmissionConfiguration or PodSecurityConfiguration", doc.Kind)
	}
	if raw != nil {
		// The plugin's loader decodes JSON or YAML into its versioned types; a key given twice
		// is refused here first.
		j, err := strictyaml.ToJSON(raw)
		if err != nil {
			return nil, fmt.Errorf("PodSecurity configuration (%s): %w", source, err)
		}
		raw = j
	}
	cfg, err := load.LoadFromData(raw)
	if err != nil {
		return nil, fmt.Errorf("PodSecurity configuration (%s): %w", source, err)
	}
	if errs := validation.ValidatePodSecurityConfiguration(cfg); len(errs) > 0 {
		return nil, fmt.Errorf("PodSecurity configuration (%s): %s", source, strings.TrimSpace(errs.ToAggregate().Error()))
	}
	return &snapshot.PodSecurityConfig{
		Source: source,
		Defaults: snapshot.PodSecurityDefaults{
			Enforce: cfg.Defaults.Enforce, EnforceVersion: cfg.Defaults.EnforceVersion,
			Audit: cfg.Defaults.Audit, AuditVersion: cfg.Defaults.AuditVersion,
			Warn: cfg.Defaults.Warn, WarnVersion: cfg.Defaults.WarnVersion,
		},
		Exemptions: snapshot.PodSecurityExemptions{
			Usernames:      cfg.Exemptions.Usernames,
			Namespaces:     cfg.Exemptions.Namespaces,
			RuntimeClasses: cfg.Exemptions.RuntimeClasses,
		},
	}, nil
}
