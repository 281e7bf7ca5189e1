/*
KP-WL-042: config maps hold no secret values.

Source: NSA/CISA Kubernetes Hardening Guide, "Secrets" (kubescape C-0012, "Applications
credentials in configuration files": the config maps' half; KP-WL-043 judges the pod
specifications' env values); the reasoning of CIS 1.12 5.4.1 applies too (a secret belongs
in a Secret, where RBAC, audit policies and encryption at rest treat it as one). A config map is
readable by every identity that may read config maps, is not encrypted at rest by the usual
EncryptionConfiguration (which names secrets), and is logged in full by audit policies that log
config map bodies.

Fields read: every ConfigMap's data (each value, and each line of a multi-line value) and
binaryData (private keys only). The detection rules, what counts as a placeholder and how the
preview is redacted are in secret_values.go. The kubectl.kubernetes.io/last-applied-configuration
annotation is not read: the collector drops it from every object it keeps (collect.compactMeta,
for live lists and manifest files alike), so it cannot hold a second copy of the data here.

Allowed values: no finding. One result per ConfigMap with findings, listing every key that has
one (FAIL when a value has a credential format, WARN when only a name or entropy rule matched);
with none, one PASS for the cluster that says how many config maps were read.

The evidence names the key, the kind of secret and a redacted preview, never the value. The
snapshot itself keeps the config maps' data, since that is what the cluster stores and what the
checks read: a snapshot file is as sensitive as read access to config maps.
*/

package workload

import (
	"sort"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:       "KP-WL-042",
			Title:    "Config maps hold no secret values",
			Layer:    checks.Workload,
			Severity: checks.High,
			Description: "A private key, cloud access key, token or password kept in a config map is readable " +
				"by everyone who may read config maps, is not covered by encryption at rest for secrets, " +
				"and is copied into logs and audit records that treat config maps as harmless.",
			Remediation: "Move the value into a Secret (or an external secret store) and mount it as a file; " +
				"rotate the credential, since it has been readable as configuration. Keep only the " +
				"reference (a file path, a secret name) in the config map.",
			References: checks.References{NSA: []string{"C-0012"}},
		},
		Inputs:   []snapshot.Resource{snapshot.ResConfigMaps},
		Evaluate: configMapSecrets,
	})
}

// svMaxListed bounds the findings listed per object; the rest are counted.
const svMaxListed = 10

const configMapExpected = "no secret values in data or binaryData: secrets in Secret objects, mounted as files"

func configMapSecrets(s *snapshot.Snapshot) []checks.Result {
	var sc svScanner
	var out []checks.Result
	for i := range s.ConfigMaps {
		cm := &s.ConfigMaps[i]
		sc.found = sc.found[:0]
		for k, v := range cm.Data {
			start := len(sc.found)
			sc.value(k, v)
			svScope(sc.found[start:], "data", k)
		}
		for k, v := range cm.BinaryData {
			start := len(sc.found)
			sc.binary(k, v)
			svScope(sc.found[start:], "binaryData", k)
		}
		if len(sc.found) == 0 {
			continue
		}
		out = append(out, configMapResult(cm, sc.found))
	}
	if len(out) == 0 {
		return []checks.Result{{Status: checks.Pass, Resource: checks.Resource{Kind: "Cluster"}, Evidence: checks.Evidence{
			Where:    strconv.Itoa(len(s.ConfigMaps)) + " config maps, data and binaryData",
			Observed: "no secret-looking value",
			Expected: configMapExpected,
		}}}
	}
	return out
}

func svScope(fs []svFinding, scope, name string) {
	for i := range fs {
		fs[i].scope, fs[i].name = scope, name
	}
}

func configMapResult(cm *corev1.ConfigMap, fs []svFinding) checks.Result {
	// Map iteration order is random: sort for a stable report.
	sort.Slice(fs, func(i, j int) bool {
		a, b := &fs[i], &fs[j]
		if a.scope != b.scope {
			return a.scope > b.scope // data before binaryData
		}
		if a.name != b.name {
			return a.name < b.name
		}
		if a.line != b.line {
			return a.line < b.line
		}
		return a.kind < b.kind
	})
	st := checks.Warn
	var b strings.Builder
	for i := range fs {
		if fs[i].certain {
			st = checks.Fail
		}
		if i == svMaxListed {
			b.WriteString("; +")
			b.WriteString(strconv.Itoa(len(fs) - svMaxListed))
			b.WriteString(" more")
			continue
		}
		if i > svMaxListed {
			continue
		}
		if i > 0 {
			b.WriteString("; ")
		}
		svWrite(&b, &fs[i])
	}
	return checks.Result{Status: st,
		Resource: checks.Resource{Kind: "ConfigMap", Namespace: cm.Namespace, Name: cm.Name},
		Evidence: checks.Evidence{Where: "ConfigMap/" + cm.Namespace + "/" + cm.Name + " data, binaryData",
			Observed: b.String(), Expected: configMapExpected}}
}

// svWrite renders a finding: `data["app.ini"] line 3 "admin_password": password by key name
// (redacted, 9 chars)`, `container "app" env DB_PASSWORD: ...`.
func svWrite(b *strings.Builder, f *svFinding) {
	b.WriteString(f.scope)
	if strings.HasSuffix(f.scope, " env") {
		b.WriteString(" ")
		b.WriteString(f.name)
	} else {
		b.WriteString("[")
		b.WriteString(strconv.Quote(f.name))
		b.WriteString("]")
	}
	if f.line > 0 {
		b.WriteString(" line ")
		b.WriteString(strconv.Itoa(f.line))
		b.WriteString(" ")
		b.WriteString(strconv.Quote(f.lname))
	}
	b.WriteString(": ")
	b.WriteString(f.kind)
	b.WriteString(" (")
	b.WriteString(f.preview)
	b.WriteString(")")
}
