package collect

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kubeposture/kubeposture/internal/sizelimit"
	"github.com/kubeposture/kubeposture/snapshot"
)

const encryptionYAML = `apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
  - resources: [secrets, configmaps]
    providers:
      - aescbc:
          keys:
            - name: key1
              secret: c2VjcmV0LWtleS1tYXRlcmlhbC1uZXZlci1rZXB0LTEyMzQ=
      - identity: {}
  - resources: ["*.*"]
    providers:
      - kms:
          apiVersion: v2
          name: vault
          endpoint: unix:///run/kms.sock
      - kms:
          name: legacy
`

func TestParseEncryptionConfig(t *testing.T) {
	c, err := ParseEncryptionConfig([]byte(encryptionYAML))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(c)
	if strings.Contains(string(got), "c2VjcmV0") {
		t.Fatalf("a key secret reached the parsed config: %s", got)
	}
	want := `{"path":"","resources":[{"resources":["secrets","configmaps"],"providers":[{"type":"aescbc","keyNames":["key1"]},{"type":"identity"}]},` +
		`{"resources":["*.*"],"providers":[{"type":"kms","kmsVersion":"v2","name":"vault"},{"type":"kms","kmsVersion":"v1","name":"legacy"}]}]}`
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	for name, doc := range map[string]string{
		"wrong kind":      "kind: Policy\n",
		"two types":       "kind: EncryptionConfiguration\nresources:\n- resources: [secrets]\n  providers:\n  - identity: {}\n    aescbc: {keys: []}\n",
		"no type":         "kind: EncryptionConfiguration\nresources:\n- resources: [secrets]\n  providers:\n  - {}\n",
		"not yaml":        "kind: [",
		"providers a map": "kind: EncryptionConfiguration\nresources:\n- resources: [secrets]\n  providers: {identity: {}}\n",
	} {
		if _, err := ParseEncryptionConfig([]byte(doc)); err == nil {
			t.Errorf("%s: parsed without error", name)
		}
	}
}

func TestParseAuditPolicy(t *testing.T) {
	p, err := ParseAuditPolicy([]byte(`apiVersion: audit.k8s.io/v1
kind: Policy
rules:
  - level: None
    users: ["system:kube-proxy"]
    verbs: ["watch"]
    resources: [{group: "", resources: ["endpoints"]}]
  - level: Metadata
    resources: [{group: "", resources: ["secrets", "configmaps"]}]
`))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Rules) != 2 || p.Rules[0].Users[0] != "system:kube-proxy" || p.Rules[1].Resources[0].Resources[0] != "secrets" {
		t.Errorf("parsed %+v", p)
	}
	if _, err := ParseAuditPolicy([]byte("kind: Policy\nrules:\n- level: Everything\n")); err == nil || !strings.Contains(err.Error(), "rules[0].level") {
		t.Errorf("unknown level: err = %v", err)
	}
}

func TestAddFiles(t *testing.T) {
	dir := t.TempDir()
	enc := filepath.Join(dir, "enc.yaml")
	if err := os.WriteFile(enc, []byte(encryptionYAML), 0o600); err != nil {
		t.Fatal(err)
	}
	snap := snapshot.New()
	if err := AddFiles(snap, FileOptions{EncryptionConfig: enc}); err != nil {
		t.Fatal(err)
	}
	if snap.Files.Encryption.Path != enc || snap.Resources[snapshot.ResEncryptionConfig].State != snapshot.Collected {
		t.Errorf("files %+v, resources %+v", snap.Files, snap.Resources)
	}
	if _, ok := snap.Resources[snapshot.ResAuditPolicy]; ok {
		t.Error("audit policy recorded though not given")
	}
	err := AddFiles(snap, FileOptions{AuditPolicy: filepath.Join(dir, "missing.yaml")})
	if err == nil || !strings.Contains(err.Error(), "missing.yaml") {
		t.Errorf("missing file: err = %v, want one naming it", err)
	}
}

func FuzzParseEncryptionConfig(f *testing.F) {
	f.Add([]byte(encryptionYAML))
	f.Add([]byte("kind: EncryptionConfiguration\nresources: [{resources: [secrets], providers: [{identity: {}}]}]"))
	f.Add([]byte("kind: EncryptionConfiguration\nresources: [{resources: [secrets], providers: [{identity: {}, identity: {}}]}]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseEncryptionConfig(data)
		if err != nil {
			return
		}
		for _, r := range c.Resources {
			for _, p := range r.Providers {
				if p.Type == "" {
					t.Fatalf("provider without a type: %+v", c)
				}
			}
		}
	})
}

func FuzzParseAuditPolicy(f *testing.F) {
	f.Add([]byte("kind: Policy\nrules:\n- level: Metadata\n"))
	f.Add([]byte("kind: Policy\nrules:\n- level: Metadata\n  level: None\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParseAuditPolicy(data)
		if err != nil {
			return
		}
		for _, r := range p.Rules {
			if !contains(auditLevels, r.Level) {
				t.Fatalf("rule with level %q accepted", r.Level)
			}
		}
	})
}

func TestParseSecretTransformations(t *testing.T) {
	body := []byte(`# HELP apiserver_storage_transformation_operations_total [ALPHA] Total number of transformations.
# TYPE apiserver_storage_transformation_operations_total counter
apiserver_storage_transformation_operations_total{resource="secrets",status="OK",transformation_type="to_storage",transformer_prefix="k8s:enc:aesgcm:v1:key1:"} 3
apiserver_storage_transformation_operations_total{resource="secrets",status="OK",transformation_type="from_storage",transformer_prefix="k8s:enc:aesgcm:v1:key1:"} 5
apiserver_storage_transformation_operations_total{resource="configmaps",status="OK",transformation_type="to_storage",transformer_prefix=""} 9
# TYPE other_metric gauge
other_metric 1
# HELP apiserver_storage_transformation_operations_total_seconds A family whose name starts with the same letters.
# TYPE apiserver_storage_transformation_operations_total_seconds histogram
apiserver_storage_transformation_operations_total_seconds_bucket{resource="secrets",le="+Inf"} 4
apiserver_storage_transformation_operations_total_seconds_sum{resource="secrets"} 0.5
apiserver_storage_transformation_operations_total_seconds_count{resource="secrets"} 4
`)
	got, err := ParseSecretTransformations(body)
	if err != nil {
		t.Fatal(err)
	}
	want := []snapshot.TransformationCount{
		{Type: "from_storage", Prefix: "k8s:enc:aesgcm:v1:key1:", Status: "OK", Count: 5},
		{Type: "to_storage", Prefix: "k8s:enc:aesgcm:v1:key1:", Status: "OK", Count: 3},
	}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if _, err := ParseSecretTransformations([]byte("not { metrics")); err == nil {
		t.Error("garbage parsed")
	}
	// Exposition text without the family has no samples; the other families are not parsed.
	for _, doc := range []string{"# TYPE other_metric gauge\nother_metric 1\n", "# HELP x y\n# TYPE other_metric gauge\nother_metric{ 1\n"} {
		if got, err := ParseSecretTransformations([]byte(doc)); err != nil || got != nil {
			t.Errorf("%q: %v, %v; want nothing", doc, got, err)
		}
	}
	// The family is parsed: a malformed sample of it is an error.
	if _, err := ParseSecretTransformations([]byte("# TYPE apiserver_storage_transformation_operations_total counter\napiserver_storage_transformation_operations_total{resource=\"secrets\" 1\n")); err == nil {
		t.Error("malformed sample parsed")
	}
}

func TestParseAuthConfigs(t *testing.T) {
	z, err := ParseAuthorizationConfig([]byte("apiVersion: apiserver.config.k8s.io/v1\nkind: AuthorizationConfiguration\nauthorizers:\n- type: Node\n  name: node\n- type: RBAC\n  name: rbac\n- type: Webhook\n  name: w\n  webhook: {timeout: 3s}\n"))
	if err != nil || strings.Join(z.Authorizers, ",") != "Node,RBAC,Webhook" {
		t.Errorf("authorization: %+v, %v", z, err)
	}
	for _, bad := range []string{"kind: AuthorizationConfiguration\n", "kind: AuthorizationConfiguration\nauthorizers: [{name: x}]\n", "kind: Policy\n"} {
		if _, err := ParseAuthorizationConfig([]byte(bad)); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
	n, err := ParseAuthenticationConfig([]byte("apiVersion: apiserver.config.k8s.io/v1\nkind: AuthenticationConfiguration\nanonymous:\n  enabled: true\n  conditions:\n  - path: /livez\n  - path: /readyz\n"))
	if err != nil || n.Anonymous == nil || !n.Anonymous.Enabled || strings.Join(n.Anonymous.Paths, ",") != "/livez,/readyz" {
		t.Errorf("authentication: %+v, %v", n, err)
	}
	n, err = ParseAuthenticationConfig([]byte("kind: AuthenticationConfiguration\njwt: []\n"))
	if err != nil || n.Anonymous != nil {
		t.Errorf("no anonymous section: %+v, %v", n, err)
	}
}

func FuzzParseAuthConfigs(f *testing.F) {
	f.Add([]byte("kind: AuthorizationConfiguration\nauthorizers: [{type: RBAC}]\n"))
	f.Add([]byte("kind: AuthenticationConfiguration\nanonymous: {enabled: true, conditions: [{path: /livez}]}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if z, err := ParseAuthorizationConfig(data); err == nil && len(z.Authorizers) == 0 {
			t.Fatal("a chain without authorizers accepted")
		}
		_, _ = ParseAuthenticationConfig(data)
	})
}

func TestParseAdmissionConfig(t *testing.T) {
	dir := t.TempDir()
	pss := `apiVersion: pod-security.admission.config.k8s.io/v1
kind: PodSecurityConfiguration
defaults:
  enforce: baseline
exemptions:
  namespaces: [legacy]
  usernames: [system:serviceaccount:kube-system:replicaset-controller]
`
	if err := os.WriteFile(filepath.Join(dir, "pss.yaml"), []byte(pss), 0o600); err != nil {
		t.Fatal(err)
	}
	byPath := "apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n- name: EventRateLimit\n  path: erl.yaml\n- name: PodSecurity\n  path: pss.yaml\n"
	inline := "apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n- name: PodSecurity\n  configuration:\n" +
		"    apiVersion: pod-security.admission.config.k8s.io/v1\n    kind: PodSecurityConfiguration\n    defaults:\n      enforce: restricted\n      warn: restricted\n"
	for _, tc := range []struct {
		name, file, wantEnforce, wantSource string
		wantNS                              []string
	}{
		{"path entry, relative to the file", byPath, "baseline", "pss.yaml", []string{"legacy"}},
		{"inline entry", inline, "restricted", "inline", nil},
		{"no PodSecurity entry: the plugin's defaults", "apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins: []\n", "privileged", "defaults", nil},
		{"a PodSecurityConfiguration given directly", pss, "baseline", "file", []string{"legacy"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(dir, "admission.yaml")
			if err := os.WriteFile(p, []byte(tc.file), 0o600); err != nil {
				t.Fatal(err)
			}
			c, err := ReadAdmissionConfig(p)
			if err != nil {
				t.Fatal(err)
			}
			if c.Defaults.Enforce != tc.wantEnforce || c.Source != tc.wantSource || c.Defaults.EnforceVersion != "latest" || c.Defaults.Audit != "privileged" {
				t.Errorf("got %+v, want enforce %s from %s, defaulted versions and audit", c, tc.wantEnforce, tc.wantSource)
			}
			if !slices.Equal(c.Exemptions.Namespaces, tc.wantNS) {
				t.Errorf("exempt namespaces %v, want %v", c.Exemptions.Namespaces, tc.wantNS)
			}
		})
	}
	for _, bad := range []struct{ name, file, want string }{
		{"wrong kind", "kind: Policy\n", `kind is "Policy"`},
		{"bad level", "apiVersion: pod-security.admission.config.k8s.io/v1\nkind: PodSecurityConfiguration\ndefaults:\n  enforce: strict\n", "defaults.enforce"},
		{"missing path", "apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n- name: PodSecurity\n  path: nope.yaml\n", "plugins[0] (PodSecurity) path"},
	} {
		t.Run(bad.name, func(t *testing.T) {
			p := filepath.Join(dir, "bad.yaml")
			if err := os.WriteFile(p, []byte(bad.file), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := ReadAdmissionConfig(p)
			if err == nil || !strings.Contains(err.Error(), bad.want) || !strings.Contains(err.Error(), p) {
				t.Errorf("error %v, want one naming %s and %q", err, p, bad.want)
			}
		})
	}
}

// A key given twice in a control-plane configuration file is refused, as the API server,
// which loads these files strictly, refuses it; so is a file over sizelimit.ConfigFile.
func TestConfigFilesRefused(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	pss := write("pss.yaml", "apiVersion: pod-security.admission.config.k8s.io/v1\nkind: PodSecurityConfiguration\ndefaults:\n  enforce: restricted\n  enforce: privileged\n")
	for _, tc := range []struct {
		name string
		opts FileOptions
	}{
		{"encryption", FileOptions{EncryptionConfig: write("enc.yaml", "kind: EncryptionConfiguration\nresources:\n- resources: [secrets]\n  providers:\n  - aescbc: {keys: [{name: k, secret: c2VjcmV0}]}\n    identity: {}\n    aescbc: {keys: [{name: k, secret: c2VjcmV0}]}\n")}},
		{"audit policy", FileOptions{AuditPolicy: write("audit.yaml", "kind: Policy\nrules:\n- level: RequestResponse\n  level: None\n")}},
		{"authorization", FileOptions{AuthorizationConfig: write("authz.yaml", "kind: AuthorizationConfiguration\nauthorizers: [{type: RBAC, type: AlwaysAllow}]\n")}},
		{"authentication", FileOptions{AuthenticationConfig: write("authn.yaml", "kind: AuthenticationConfiguration\nanonymous: {enabled: false, enabled: true}\n")}},
		{"admission", FileOptions{AdmissionConfig: write("adm.yaml", "apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nkind: AdmissionConfiguration\nplugins: []\n")}},
		{"admission's PodSecurity file", FileOptions{AdmissionConfig: write("adm-path.yaml", "apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n- {name: PodSecurity, path: "+pss+"}\n")}},
	} {
		err := AddFiles(snapshot.New(), tc.opts)
		if err == nil || !strings.Contains(err.Error(), "already set in map") {
			t.Errorf("%s: err = %v, want the key given twice refused", tc.name, err)
		}
	}
	big := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(big, []byte("kind: Policy\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, sizelimit.ConfigFile+1); err != nil {
		t.Fatal(err)
	}
	err := AddFiles(snapshot.New(), FileOptions{AuditPolicy: big})
	if !sizelimit.IsTooLarge(err) || !strings.Contains(err.Error(), big) {
		t.Errorf("a file over the limit: err = %v, want it refused, named", err)
	}
}
