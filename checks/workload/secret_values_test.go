package workload

import (
	"strconv"
	"strings"
	"testing"
)

// Fake credentials of the right shapes, built so that no complete token appears in the source.
var (
	fakeAWS    = "AKIA" + "Q7ZZTESTKEY2345X"
	fakeGitHub = "ghp_" + strings.Repeat("a1B2", 9)
	fakeSlack  = "xoxb-" + "123456789012-abcdefABCDEF"
	fakeStripe = "sk_live_" + "51Habcdefghijklmnop"
	fakeJWT    = "eyJhbGciOiJSUzI1NiJ9" + ".eyJzdWIiOiJzeXN0ZW06c2EifQ" + ".c2lnbmF0dXJlLWJ5dGVz"
	fakePEM    = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7\n-----END RSA PRIVATE KEY-----\n"
	fakeAzure  = "DefaultEndpointsProtocol=https;AccountName=x;AccountKey=" + strings.Repeat("Zm9vYmFy", 11) + "==;EndpointSuffix=core.windows.net"
)

func TestSecretValueRules(t *testing.T) {
	tests := []struct {
		name, key, value string
		kind             string // "" when nothing must be found
		certain          bool
		preview          string // substring of the preview
	}{
		// Formats.
		{"PEM private key", "tls.key", fakePEM, "private key (PEM)", true, `"-----BEGIN RSA PRIVATE KEY-----"`},
		{"OpenSSH key", "id", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\n", "private key (PEM)", true, "OPENSSH PRIVATE KEY"},
		{"PKCS#8 encrypted key", "k", "-----BEGIN ENCRYPTED PRIVATE KEY-----\n", "private key (PEM)", true, "ENCRYPTED"},
		{"certificate is public", "ca.crt", "-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----", "", false, ""},
		{"public key is public", "key.pub", "-----BEGIN PUBLIC KEY-----\nMIIB\n", "", false, ""},
		{"GCP key file, not also PEM", "sa.json", `{"type": "service_account", "private_key_id": "1", "private_key": "-----BEGIN PRIVATE KEY-----\nMIIE\n"}`,
			"GCP service-account key (JSON)", true, `"\"private_key\""`},
		{"AWS key id", "AWS_ACCESS_KEY_ID", fakeAWS, "AWS access key id", true, `"AKIA"… (20 chars)`},
		{"AWS-like word too short", "REGION", "ASIAPACIFIC", "", false, ""},
		{"AWS documentation's example key", "AWS_ACCESS_KEY_ID", "AKIA" + "IOSFODNN7EXAMPLE", "", false, ""},
		{"Azure connection string", "conn", fakeAzure, "Azure storage account key", true, `"AccountKey="`},
		{"GitHub token", "GH", fakeGitHub, "GitHub token", true, `"ghp_"`},
		{"GitHub fine-grained", "GH", "github_pat_" + strings.Repeat("A1b2", 8), "GitHub fine-grained token", true, `"github_pat_"`},
		{"Slack token", "SLACK", fakeSlack, "Slack token", true, `"xoxb-"`},
		{"Stripe live key", "STRIPE", fakeStripe, "Stripe live key", true, `"sk_live_"`},
		{"Stripe test key is not live", "STRIPE", "sk_test_51Habcdefghijklmnop", "", false, ""},
		{"JWT", "TOKEN", fakeJWT, "JWT", true, `"eyJ"`},
		{"detached JWS of cluster-info", "jws-kubeconfig-abcdef", "eyJhbGciOiJIUzI1NiIsImtpZCI6ImFiY2RlZiJ9..c2lnbmF0dXJlLWJ5dGVz", "", false, ""},
		{"password in URL", "DATABASE_URL", "postgres://app:s3cr3tPw@db:5432/app", "password in URL", true, `"postgres://"`},
		{"URL password from a reference", "DATABASE_URL", "postgres://app:$(DB_PASSWORD)@db:5432/app", "", false, ""},
		{"URL without password", "URL", "https://user@example.com/x", "", false, ""},

		// Passwords by key name.
		{"password by name", "DB_PASSWORD", "hunter2!x", "password by key name", false, "redacted, 9 chars"},
		{"camelCase name", "dbPassword", "hunter2!x", "password by key name", false, ""},
		{"acronym camelCase", "stripeAPIKey", "abcd1234", "password by key name", false, ""},
		{"dotted name", "spring.datasource.password", "hunter2!x", "password by key name", false, ""},
		{"pass suffix", "REDIS_PASS", "hunter2!x", "password by key name", false, ""},
		{"client secret", "oauth-client-secret", "hunter2!x", "password by key name", false, ""},
		{"secret access key", "AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMIK7MDENGbPxRfiCYzz", "password by key name", false, ""},
		{"password-policy is not a password", "password-policy", "strict", "", false, ""},
		{"passwordMinLength is not a password", "passwordMinLength", "12345678", "", false, ""},
		{"password_file is a path name", "password_file", "pw.txt", "", false, ""},
		{"bypass is one word", "BYPASS", "enabled-always", "", false, ""},
		{"empty", "PASSWORD", "", "", false, ""},
		{"reference", "PASSWORD", "$(DB_PASSWORD)", "", false, ""},
		{"shell reference", "PASSWORD", "${DB_PASSWORD}", "", false, ""},
		{"template", "password", "{{ .Values.password }}", "", false, ""},
		{"placeholder", "password", "changeme", "", false, ""},
		{"placeholder in brackets", "password", "<your-password>", "", false, ""},
		{"masked", "password", "********", "", false, ""},
		{"file path", "PWD", "/home/app", "", false, ""},
		{"too short", "password", "abc", "", false, ""},
		{"value equal to the name", "db_password", "DB_PASSWORD", "", false, ""},

		// Generic names need a random-looking value.
		{"secret naming a Secret", "secret", "db-credentials", "", false, ""},
		{"token with a random value", "GITLAB_TOKEN", "x9f3K2mQ7vL1pZ8rT4wY", "random value under a secret name", false, "redacted, 20 chars"},
		{"token with a word value", "token", "my-application-token-v2", "", false, ""},
		{"hex secret", "session_secret", "5f4dcc3b5aa765d61d8327deb882cf99", "password by key name", false, ""},
		{"generic secret, hex", "WEBAPP_SECRET_VALUE", "5f4dcc3b5aa765d61d8327deb882cf99", "", false, ""},
		{"generic secret, hex, last word", "signing-secret", "5f4dcc3b5aa765d61d8327deb882cf99", "random value under a secret name", false, ""},
		{"unrelated random value", "BUILD_ID", "x9f3K2mQ7vL1pZ8rT4wY", "", false, ""},

		// Lines of a file.
		{"properties file", "application.properties", "server.port=8080\nspring.datasource.password=hunter2!x\n", "password by key name", false, "redacted, 9 chars"},
		{"ini file", "grafana.ini", "[security]\nadmin_user = admin\nadmin_password = s3cret-admin\n", "password by key name", false, ""},
		{"yaml file with references", "config.yaml", "db:\n  password: ${DB_PASSWORD}\n  passwordPolicy: strict\n", "", false, ""},
		{"commented example", "config.yaml", "# password: hunter2!x\nmode: prod\n", "", false, ""},
		{"json lines", "config.json", "{\n  \"password\": \"hunter2!x\",\n  \"user\": \"app\"\n}", "password by key name", false, ""},
		{"prose with a colon", "README", "Note the password: is rotated weekly\n", "", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var sc svScanner
			sc.value(tt.key, tt.value)
			if tt.kind == "" {
				if len(sc.found) != 0 {
					t.Fatalf("found %+v, want nothing", sc.found)
				}
				return
			}
			if len(sc.found) != 1 {
				t.Fatalf("found %+v, want one %q", sc.found, tt.kind)
			}
			f := sc.found[0]
			if f.kind != tt.kind || f.certain != tt.certain {
				t.Errorf("found %q certain=%v, want %q certain=%v", f.kind, f.certain, tt.kind, tt.certain)
			}
			if !strings.Contains(f.preview, tt.preview) {
				t.Errorf("preview %q does not contain %q", f.preview, tt.preview)
			}
			svNoLeak(t, f.preview, tt.value)
		})
	}
}

// svNoLeak fails when preview holds a 6-character piece of value that is not in the public
// part the rule shows (the quoted string the preview starts with, if any: a PEM header, "AKIA").
func svNoLeak(t *testing.T, preview, value string) {
	t.Helper()
	public := ""
	if strings.HasPrefix(preview, `"`) {
		if q, err := strconv.QuotedPrefix(preview); err == nil {
			public, _ = strconv.Unquote(q)
		}
	}
	for i := 0; i+6 <= len(value); i++ {
		if piece := value[i : i+6]; strings.Contains(preview, piece) && !strings.Contains(public, piece) {
			t.Errorf("preview %q shows %q of the value", preview, piece)
		}
	}
}

func TestSecretValueBinary(t *testing.T) {
	var sc svScanner
	sc.binary("keystore", []byte("\x00\x01"+fakePEM))
	sc.binary("logo.png", []byte("\x89PNG AKIA"+"Q7EXAMPLE2345XYZ password=hunter2"))
	if len(sc.found) != 1 || sc.found[0].kind != "private key (PEM)" || sc.found[0].name != "keystore" {
		t.Fatalf("found %+v, want one private key in keystore", sc.found)
	}
}

func TestSecretNameWords(t *testing.T) {
	for _, tt := range []struct{ name, last, prev string }{
		{"DB_PASSWORD", "PASSWORD", "DB"},
		{"dbPassword", "Password", "db"},
		{"APIKey", "Key", "API"},
		{"stripe-api-key", "key", "api"},
		{"password", "password", ""},
		{"x.", "x", ""},
		{"__", "", ""},
		{"DBPassword2", "Password2", "DB"},
	} {
		last, prev := svLastWords(tt.name)
		if last != tt.last || prev != tt.prev {
			t.Errorf("svLastWords(%q) = %q, %q; want %q, %q", tt.name, last, prev, tt.last, tt.prev)
		}
	}
}
