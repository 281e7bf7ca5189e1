package controlplane

import (
	"strings"
	"testing"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

// TestAuthorizationConfigFile: with --authorization-config and a copy of the file, the chain
// is the file's authorizers, compared exactly as the flag's tokens are.
func TestAuthorizationConfigFile(t *testing.T) {
	flag := []string{"--authorization-config=/etc/kubernetes/authz.yaml"}
	for _, tc := range []struct {
		name        string
		args        []string
		authorizers []string
		want        map[string]checks.Status // control -> status
	}{
		{"node and rbac", flag, []string{"Node", "RBAC"},
			map[string]checks.Status{"KP-CP-002": checks.Pass, "KP-CP-003": checks.Pass, "KP-CP-004": checks.Pass}},
		{"AlwaysAllow at the end", flag, []string{"Node", "RBAC", "Webhook", "AlwaysAllow"},
			map[string]checks.Status{"KP-CP-002": checks.Fail, "KP-CP-003": checks.Pass, "KP-CP-004": checks.Pass}},
		{"webhook only", flag, []string{"Webhook"},
			map[string]checks.Status{"KP-CP-002": checks.Pass, "KP-CP-003": checks.Fail, "KP-CP-004": checks.Fail}},
		{"with --authorization-mode too: refuses to start", append(flag, "--authorization-mode=Node,RBAC"), []string{"Node", "RBAC"},
			map[string]checks.Status{"KP-CP-002": checks.Fail, "KP-CP-003": checks.Fail, "KP-CP-004": checks.Fail}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			snap := apiserverSnap(tc.args)
			snap.Files = &snapshot.ControlPlaneFiles{Authorization: &snapshot.AuthorizationConfig{Path: "authz.yaml", Authorizers: tc.authorizers}}
			for id, want := range tc.want {
				rs := evaluators[id](snap)
				if len(rs) != 1 || rs[0].Status != want || !strings.Contains(rs[0].Evidence.Where, "AuthorizationConfiguration authz.yaml") {
					t.Errorf("%s: got %+v, want %s", id, rs, want)
				}
			}
		})
	}
}

func TestAnonymousAuthConfigFile(t *testing.T) {
	flag := []string{"--authentication-config=/etc/kubernetes/authn.yaml"}
	for _, tc := range []struct {
		name     string
		args     []string
		anon     *snapshot.AnonymousConfig
		want     checks.Status
		observed string
	}{
		{"disabled", flag, &snapshot.AnonymousConfig{Enabled: false}, checks.Pass, "enabled: false"},
		{"enabled everywhere", flag, &snapshot.AnonymousConfig{Enabled: true}, checks.Fail, "every path"},
		{"health paths only", flag, &snapshot.AnonymousConfig{Enabled: true, Paths: []string{"/livez", "/readyz", "/healthz"}}, checks.Pass, "only for"},
		{"another path", flag, &snapshot.AnonymousConfig{Enabled: true, Paths: []string{"/livez", "/api"}}, checks.Fail, "/api"},
		{"section and flag: refuses to start", append(flag, "--anonymous-auth=false"), &snapshot.AnonymousConfig{Enabled: false}, checks.Fail, "refuse to start"},
		// No anonymous section: the flag and its default decide.
		{"no section, flag absent", flag, nil, checks.Fail, "default: true"},
		{"no section, flag false", append(flag, "--anonymous-auth=false"), nil, checks.Pass, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			snap := apiserverSnap(tc.args)
			snap.Files = &snapshot.ControlPlaneFiles{Authentication: &snapshot.AuthenticationConfig{Path: "authn.yaml", Anonymous: tc.anon}}
			rs := anonymousAuth(snap)
			if len(rs) != 1 || rs[0].Status != tc.want || !strings.Contains(rs[0].Evidence.Observed, tc.observed) {
				t.Fatalf("got %+v, want one %s observing %q", rs, tc.want, tc.observed)
			}
		})
	}
}
