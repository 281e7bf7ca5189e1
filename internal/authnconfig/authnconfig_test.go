package authnconfig

import (
	"strings"
	"testing"
)

const good = `apiVersion: apiserver.config.k8s.io/v1
kind: AuthenticationConfiguration
jwt:
- issuer:
    url: https://idp.example.com
    audiences: [kubernetes]
  claimValidationRules:
  - claim: hd
    requiredValue: example.com
  claimMappings:
    username:
      claim: sub
      prefix: "oidc:"
    groups:
      claim: groups
      prefix: "oidc:"
`

func TestJWT(t *testing.T) {
	jwt, invalid, err := JWT([]byte(good))
	if err != nil || len(invalid) != 0 || len(jwt) != 1 {
		t.Fatalf("%+v %v %v", jwt, invalid, err)
	}
	a := jwt[0]
	if a.Issuer != "https://idp.example.com" || a.UsernamePrefix == nil || *a.UsernamePrefix != "oidc:" || a.GroupsClaim != "groups" || a.ClaimValidationRules != 1 {
		t.Errorf("summary %+v", a)
	}
	// The API server refuses an http issuer and a username claim without a prefix.
	_, invalid, err = JWT([]byte(strings.NewReplacer("https://", "http://", "      prefix: \"oidc:\"\n    groups", "    groups").Replace(good)))
	if err != nil || len(invalid) < 2 {
		t.Errorf("invalid %q, %v", invalid, err)
	}
	// v1beta1 converts; apiVersion absent is read as v1.
	if jwt, _, err := JWT([]byte(strings.Replace(good, "/v1\n", "/v1beta1\n", 1))); err != nil || len(jwt) != 1 {
		t.Errorf("v1beta1: %v", err)
	}
	if jwt, _, err := JWT([]byte(strings.Replace(good, "apiVersion: apiserver.config.k8s.io/v1\n", "", 1))); err != nil || len(jwt) != 1 {
		t.Errorf("no apiVersion: %v", err)
	}
	if _, _, err := JWT([]byte("kind: AuthenticationConfiguration\njwt: [{issuer: {url: https://x, audiences: [a]}, bogus: 1}]\n")); err == nil {
		t.Error("an unknown field was accepted")
	}
}

func FuzzJWT(f *testing.F) {
	f.Add([]byte(good))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _, _ = JWT(data)
	})
}
