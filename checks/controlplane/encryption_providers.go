/*
Secrets must be encrypted at rest with a real provider.

Source: CIS Kubernetes Benchmark 1.12, 1.2.28 (and NSA/CISA "etcd / secrets encryption").
Which providers apply to secrets follows k8s.io/apiserver pkg/server/options/encryptionconfig/
config.go: the providers of every resources[] entry that lists "secrets" (or "secrets."),
concatenated in file order; failing that, those of "*."; failing that, "*.*"; failing that,
identity. The first of them encrypts every write (the others only decrypt).

Reads: kube-apiserver --encryption-provider-config; the EncryptionConfiguration given to audit
with --encryption-config (only its shape: provider types, kms API version, key names), or else
the node agent's summary of it in the report of the API server's node (provider types only: a
kms provider there is a WARN, its API version unknown).

Allowed values: a first provider for secrets of aesgcm, secretbox or kms v2: PASS. aescbc
(CBC without authentication, discouraged by the Kubernetes documentation) and kms v1
(deprecated, off by default since 1.29) are WARN. identity, or no entry covering secrets, FAILs
(secrets are written in plain text). Without --encryption-provider-config nothing is encrypted:
FAIL. With the flag but no file given to audit: NOT_EVALUATED (the flag alone proves nothing).
*/

package controlplane

import (
	"fmt"
	"strings"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/internal/componentflags"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:          "KP-CP-045",
			Title:       "Secrets are encrypted at rest with a strong provider",
			Layer:       checks.ControlPlane,
			Severity:    checks.High,
			Description: "The first provider that applies to secrets encrypts every write; identity (or no entry for secrets) stores them in etcd in plain text, where a backup or an etcd reader sees them.",
			Remediation: "Make the first provider of the entry for secrets kms (apiVersion v2), aesgcm or secretbox, then rewrite every secret (kubectl get secrets -A -o json | kubectl replace -f -). Give audit the file with --encryption-config to check it.",
			References:  checks.References{CIS: []string{"1.2.28"}, NSA: nsaAreas["KP-CP-045"]},
		},
		AnyInputs: sources,
		Evaluate:  encryptionProviders,
	})
}

// secretProviders returns the providers that apply to secrets, and which entries supplied
// them.
func secretProviders(c *snapshot.EncryptionConfig) (providers []snapshot.EncryptionProvider, from string) {
	for _, pattern := range []string{"secrets", "*.", "*.*"} {
		var idx []string
		for i, r := range c.Resources {
			for _, res := range r.Resources {
				if res == pattern || (pattern == "secrets" && res == "secrets.") {
					providers = append(providers, r.Providers...)
					idx = append(idx, fmt.Sprintf("resources[%d]", i))
					break
				}
			}
		}
		if len(providers) > 0 {
			return providers, fmt.Sprintf("%s (%q)", strings.Join(idx, ", "), pattern)
		}
	}
	return nil, ""
}

// fromNodeReport converts the node agent's summary of the file (audit node, on the API
// server's node, which reads the file its static pod names) into the shape the check reads.
func fromNodeReport(snap *snapshot.Snapshot, c *snapshot.Component) *snapshot.EncryptionConfig {
	r := snap.NodeReport(c.Node)
	if r == nil || r.Encryption == nil {
		return nil
	}
	cfg := &snapshot.EncryptionConfig{Path: r.Encryption.Path + " (node report of " + r.Node + ")"}
	for _, e := range r.Encryption.Resources {
		res := snapshot.EncryptionResources{Resources: e.Resources}
		for _, t := range e.Providers {
			res.Providers = append(res.Providers, snapshot.EncryptionProvider{Type: t})
		}
		cfg.Resources = append(cfg.Resources, res)
	}
	return cfg
}

func providerName(p snapshot.EncryptionProvider) string {
	if p.Type == "kms" && p.KMSVersion == "" {
		return "kms"
	}
	if p.Type == "kms" {
		return "kms " + p.KMSVersion
	}
	return p.Type
}

func encryptionProviders(snap *snapshot.Snapshot) []checks.Result {
	return eachAPIServer(snap, func(c *snapshot.Component) checks.Result {
		flag := componentflags.Lookup(c, "encryption-provider-config")
		expected := "first provider for secrets: kms v2, aesgcm or secretbox"
		ev := checks.Evidence{Where: where(c, "encryption-provider-config"), Expected: expected}
		if !flag.Present() {
			ev.Observed = "--encryption-provider-config: " + flag.Describe() + " (secrets stored as written: identity)"
			return checks.Result{Status: checks.Fail, Evidence: ev}
		}
		var cfg *snapshot.EncryptionConfig
		if snap.Files != nil {
			cfg = snap.Files.Encryption
		}
		if cfg == nil {
			cfg = fromNodeReport(snap, c)
		}
		if cfg == nil {
			ev.Observed = "--encryption-provider-config=" + flag.Raw
			return checks.Result{Status: checks.NotEvaluated, Evidence: ev,
				Reason: "the EncryptionConfiguration " + flag.Raw + " was not given to audit: run with --encryption-config FILE (a copy of it)"}
		}
		ev.Where = fmt.Sprintf("EncryptionConfiguration %s (the apiserver's --encryption-provider-config=%s)", cfg.Path, flag.Raw)
		providers, from := secretProviders(cfg)
		if len(providers) == 0 {
			ev.Observed = "no resources[] entry covers secrets (identity)"
			return checks.Result{Status: checks.Fail, Evidence: ev}
		}
		var names []string
		for _, p := range providers {
			names = append(names, providerName(p))
		}
		ev.Observed = fmt.Sprintf("%s: providers %s; the first encrypts", from, strings.Join(names, ", "))
		first := providers[0]
		switch {
		case first.Type == "identity":
			ev.Observed += " (identity: plain text)"
			return checks.Result{Status: checks.Fail, Evidence: ev}
		case first.Type == "aescbc":
			ev.Observed += " (aescbc: unauthenticated CBC, discouraged)"
			return checks.Result{Status: checks.Warn, Evidence: ev}
		case first.Type == "kms" && first.KMSVersion == "":
			ev.Observed += " (kms API version not recorded by the node agent: v1 is deprecated, v2 is not)"
			return checks.Result{Status: checks.Warn, Evidence: ev}
		case first.Type == "kms" && first.KMSVersion != "v2":
			ev.Observed += " (kms v1: deprecated)"
			return checks.Result{Status: checks.Warn, Evidence: ev}
		case first.Type == "aesgcm", first.Type == "secretbox", first.Type == "kms":
			return checks.Result{Status: checks.Pass, Evidence: ev}
		}
		ev.Observed += " (unknown provider type)"
		return checks.Result{Status: checks.Fail, Evidence: ev}
	})
}
