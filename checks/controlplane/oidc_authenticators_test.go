package controlplane

import (
	"testing"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func TestOIDCFlags(t *testing.T) {
	good := []string{"--oidc-issuer-url=https://idp.example.com", "--oidc-client-id=kubernetes", "--oidc-groups-claim=groups",
		"--oidc-groups-prefix=oidc:", "--oidc-required-claim=hd=example.com"}
	runFlagCases(t, oidcAuthenticators, []flagCase{
		{name: "none", args: nil, want: checks.NotApplicable},
		{name: "safe flags (default username prefix: issuer#)", args: good, want: checks.Pass},
		{name: "groups without prefix", args: []string{"--oidc-issuer-url=https://idp.example.com", "--oidc-client-id=kubernetes",
			"--oidc-groups-claim=groups", "--oidc-required-claim=hd=example.com"}, want: checks.Fail, observed: "system:masters"},
		{name: "http issuer", args: append([]string{"--oidc-issuer-url=http://idp.example.com"}, good[1:]...), want: checks.Fail, observed: "not https"},
		{name: "no client id", args: []string{"--oidc-issuer-url=https://idp.example.com", "--oidc-required-claim=hd=example.com"}, want: checks.Fail, observed: "no audience"},
		{name: "username prefix off", args: append([]string{"--oidc-username-prefix=-"}, good...), want: checks.Warn, observed: "without a prefix"},
		{name: "email claim has no default prefix", args: append([]string{"--oidc-username-claim=email"}, good...), want: checks.Warn},
		{name: "no required claim", args: good[:4], want: checks.Warn, observed: "--oidc-required-claim"},
		{name: "config file not given", args: []string{"--authentication-config=/etc/kubernetes/authn.yaml"}, want: checks.NotEvaluated},
	})
}

func TestOIDCConfigFile(t *testing.T) {
	p := func(s string) *string { return &s }
	good := snapshot.JWTAuthenticator{Issuer: "https://idp.example.com", Audiences: []string{"kubernetes"}, UsernameClaim: "sub",
		UsernamePrefix: p("oidc:"), GroupsClaim: "groups", GroupsPrefix: p("oidc:"), ClaimValidationRules: 1}
	for _, tc := range []struct {
		name   string
		mutate func(*snapshot.AuthenticationConfig)
		want   checks.Status
	}{
		{"safe", func(*snapshot.AuthenticationConfig) {}, checks.Pass},
		{"refused by validation", func(a *snapshot.AuthenticationConfig) {
			a.Invalid = []string{`jwt[0].issuer.url: Invalid value: "http://x": URL scheme must be https`}
		}, checks.Fail},
		{"system: prefix", func(a *snapshot.AuthenticationConfig) { a.JWT[0].UsernamePrefix = p("system:oidc:") }, checks.Fail},
		{"empty groups prefix", func(a *snapshot.AuthenticationConfig) { a.JWT[0].GroupsPrefix = p("") }, checks.Fail},
		{"expression", func(a *snapshot.AuthenticationConfig) {
			a.JWT[0].UsernamePrefix, a.JWT[0].UsernameExpression = nil, "'oidc:' + claims.sub"
		}, checks.Warn},
		{"no claim rules", func(a *snapshot.AuthenticationConfig) { a.JWT[0].ClaimValidationRules = 0 }, checks.Warn},
		{"anonymous only", func(a *snapshot.AuthenticationConfig) { a.JWT = nil }, checks.NotApplicable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := apiserverSnap([]string{"--authentication-config=/etc/kubernetes/authn.yaml"})
			a := &snapshot.AuthenticationConfig{Path: "authn.yaml", JWT: []snapshot.JWTAuthenticator{good}}
			tc.mutate(a)
			s.Files = &snapshot.ControlPlaneFiles{Authentication: a}
			rs := oidcAuthenticators(s)
			if len(rs) != 1 || rs[0].Status != tc.want {
				t.Errorf("got %+v, want %s", rs, tc.want)
			}
		})
	}
}
