package admissionconfig

import (
	"errors"
	"strings"
	"testing"
)

// FuzzParse feeds arbitrary files to the parser: it must return a configuration or an error,
// never panic, and a configuration it returns has the plugin's defaults filled in.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n- name: PodSecurity\n  path: pss.yaml\n",
		"apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n- name: PodSecurity\n  configuration:\n    apiVersion: pod-security.admission.config.k8s.io/v1\n    kind: PodSecurityConfiguration\n    defaults:\n      enforce: restricted\n    exemptions:\n      namespaces: [a]\n",
		"apiVersion: pod-security.admission.config.k8s.io/v1\nkind: PodSecurityConfiguration\ndefaults:\n  enforce: baseline\n  enforce-version: v1.30\n",
		"kind: AdmissionConfiguration\nplugins: [{name: PodSecurity, configuration: null}]\n",
		"{\"kind\":\"PodSecurityConfiguration\",\"defaults\":{\"enforce\":\"strict\"}}",
		"kind: [",
		"",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data, func(p string) ([]byte, error) {
			if p == "pss.yaml" {
				return []byte("apiVersion: pod-security.admission.config.k8s.io/v1\nkind: PodSecurityConfiguration\n"), nil
			}
			return nil, errors.New("no such file")
		})
		if err != nil {
			if c != nil {
				t.Fatalf("both a configuration and an error: %+v, %v", c, err)
			}
			return
		}
		d := c.Defaults
		for _, v := range []string{d.Enforce, d.EnforceVersion, d.Audit, d.AuditVersion, d.Warn, d.WarnVersion} {
			if v == "" {
				t.Fatalf("configuration without a defaulted mode: %+v", c)
			}
		}
		if c.Source == "" || strings.TrimSpace(c.Source) != c.Source {
			t.Fatalf("source %q", c.Source)
		}
	})
}
