/*
KP-CP-060: the API server's OIDC (JWT) authenticators are configured safely.

Source: Kubernetes documentation, "Authenticating", sections "OpenID Connect Tokens" and
"Using Authentication Configuration" (kubernetes.io/docs/reference/access-authn-authz/
authentication/), and k8s.io/apiserver's AuthenticationConfiguration types and validation
(pkg/apis/apiserver, validation.ValidateAuthenticationConfiguration), which
internal/authnconfig runs on the file given to audit with --authentication-config. The
--oidc-* flags: kube-apiserver's BuiltInAuthenticationOptions (pkg/kubeapiserver/options/
authentication.go): --oidc-username-prefix defaults to the issuer URL and "#" unless the claim
is email, and "-" turns the prefix off; --oidc-groups-prefix defaults to none.

Decision, per JWT authenticator (each jwt[] entry of the file, or the --oidc-* flags):
  FAIL  the file fails k8s.io/apiserver's validation (the API server would refuse it); an
        issuer that is not https; no audience; a username or groups prefix under system:, or
        groups taken from a claim without a prefix (an identity-provider group named
        system:masters would be cluster-admin).
  WARN  usernames without a prefix (a user the identity provider names "system:..." would pass
        for a Kubernetes component); a mapping by CEL expression (its prefix is not visible:
        review it); no claim validation rule (claimValidationRules, --oidc-required-claim), so
        any token of the issuer with the audience is accepted.
  PASS  otherwise.
No JWT authenticator and no --oidc-issuer-url: NOT_APPLICABLE (whether people need one is
KP-RBAC-030's question). --authentication-config without the file given to audit:
NOT_EVALUATED. MFA is enforced by the identity provider, not visible here.

Reads: kube-apiserver --authentication-config, --oidc-issuer-url, --oidc-client-id,
--oidc-username-claim, --oidc-username-prefix, --oidc-groups-claim, --oidc-groups-prefix,
--oidc-required-claim; the AuthenticationConfiguration file.
*/

package controlplane

import (
	"fmt"
	"strings"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:       "KP-CP-060",
			Title:    "API server's OIDC authenticators use https issuers, audiences, prefixed claims and claim rules",
			Layer:    checks.ControlPlane,
			Severity: checks.High,
			Description: "An OIDC (JWT) authenticator turns an identity provider's tokens into Kubernetes users and groups. " +
				"Without an audience it accepts tokens issued for other applications; without prefixes an identity-provider " +
				"group or user named system:... becomes a Kubernetes one (system:masters is cluster-admin); without claim " +
				"rules every account of the provider gets in.",
			Remediation: "In the AuthenticationConfiguration (--authentication-config) give each jwt[] an https issuer, " +
				"audiences, claimMappings.username and .groups with a prefix such as \"oidc:\", and claimValidationRules " +
				"(e.g. the hosted domain); with --oidc-* flags set --oidc-client-id, --oidc-username-prefix, " +
				"--oidc-groups-prefix and --oidc-required-claim. Require multi-factor authentication in the identity " +
				"provider: the API server cannot see it.",
		},
		AnyInputs: sources,
		Evaluate:  oidcAuthenticators,
	})
}

func oidcAuthenticators(snap *snapshot.Snapshot) []checks.Result {
	return eachAPIServer(snap, func(c *snapshot.Component) checks.Result {
		var problems []finding
		var observed []string
		file, fromFile := c.Flag("authentication-config")
		ev := checks.Evidence{Where: where(c, "oidc-issuer-url"),
			Expected: "https issuers with audiences, username and groups prefixes outside system:, and claim validation rules"}
		if fromFile {
			ev.Where = where(c, "authentication-config")
			var a *snapshot.AuthenticationConfig
			if snap.Files != nil {
				a = snap.Files.Authentication
			}
			if a == nil {
				return checks.Result{Status: checks.NotEvaluated, Evidence: ev,
					Reason: "the JWT authenticators are in the AuthenticationConfiguration file " + file + ", which audit was not given (--authentication-config)"}
			}
			ev.Where = fmt.Sprintf("AuthenticationConfiguration %s jwt (the apiserver's --authentication-config=%s)", a.Path, file)
			for _, e := range a.Invalid {
				problems = append(problems, finding{checks.Fail, "the API server's validation refuses it: " + e})
			}
			for i := range a.JWT {
				j := &a.JWT[i]
				observed = append(observed, "jwt["+fmt.Sprint(i)+"] issuer "+j.Issuer)
				for _, f := range judgeJWT(j, "claimValidationRules") {
					problems = append(problems, finding{f.status, fmt.Sprintf("jwt[%d] (%s): %s", i, j.Issuer, f.msg)})
				}
			}
		}
		if issuer, ok := c.Flag("oidc-issuer-url"); ok {
			j := oidcFlags(c, issuer)
			observed = append(observed, "--oidc-issuer-url="+issuer)
			for _, f := range judgeJWT(&j, "--oidc-required-claim") {
				problems = append(problems, finding{f.status, "--oidc-*: " + f.msg})
			}
		}
		if len(observed) == 0 && len(problems) == 0 {
			ev.Observed = "no OIDC or JWT authenticator is configured (KP-RBAC-030 judges whether people need one)"
			return checks.Result{Status: checks.NotApplicable, Evidence: ev}
		}
		st := checks.Pass
		var msgs []string
		for _, p := range problems {
			msgs = append(msgs, p.msg)
			st = worseOf(st, p.status)
		}
		ev.Observed = strings.Join(observed, "; ")
		if len(msgs) > 0 {
			ev.Observed += ": " + strings.Join(msgs, "; ")
		}
		return checks.Result{Status: st, Evidence: ev}
	})
}

type finding struct {
	status checks.Status
	msg    string
}

func worseOf(a, b checks.Status) checks.Status {
	if a == checks.Fail || b == checks.Fail {
		return checks.Fail
	}
	if a == checks.Warn || b == checks.Warn {
		return checks.Warn
	}
	return checks.Pass
}

// oidcFlags reads the --oidc-* flags as the JWT authenticator the API server builds from them.
func oidcFlags(c *snapshot.Component, issuer string) snapshot.JWTAuthenticator {
	j := snapshot.JWTAuthenticator{Issuer: issuer, UsernameClaim: "sub"}
	if v, ok := c.Flag("oidc-client-id"); ok && v != "" {
		j.Audiences = []string{v}
	}
	if v, ok := c.Flag("oidc-username-claim"); ok && v != "" {
		j.UsernameClaim = v
	}
	prefix, set := c.Flag("oidc-username-prefix")
	switch {
	case set && prefix == "-":
		prefix = ""
	case !set || prefix == "":
		// The API server's default: the issuer URL and "#", except for the email claim.
		prefix = issuer + "#"
		if j.UsernameClaim == "email" {
			prefix = ""
		}
	}
	j.UsernamePrefix = &prefix
	if v, ok := c.Flag("oidc-groups-claim"); ok && v != "" {
		j.GroupsClaim = v
		g, _ := c.Flag("oidc-groups-prefix")
		j.GroupsPrefix = &g
	}
	if v, ok := c.Flag("oidc-required-claim"); ok && v != "" {
		j.ClaimValidationRules = strings.Count(v, ",") + 1
	}
	return j
}

// judgeJWT judges one authenticator; rules names where claim validation rules are set.
func judgeJWT(j *snapshot.JWTAuthenticator, rules string) []finding {
	var out []finding
	if !strings.HasPrefix(j.Issuer, "https://") {
		out = append(out, finding{checks.Fail, "issuer is not https"})
	}
	if len(j.Audiences) == 0 {
		out = append(out, finding{checks.Fail, "no audience: tokens issued for any application are accepted"})
	}
	switch {
	case j.UsernameExpression != "":
		out = append(out, finding{checks.Warn, "username mapped by a CEL expression: check that it prefixes names outside system:"})
	case j.UsernamePrefix != nil && strings.HasPrefix(*j.UsernamePrefix, "system:"):
		out = append(out, finding{checks.Fail, "username prefix " + *j.UsernamePrefix + " is under system:"})
	case j.UsernamePrefix == nil || *j.UsernamePrefix == "":
		out = append(out, finding{checks.Warn, "usernames from claim " + j.UsernameClaim + " without a prefix: a user named system:... would pass for a Kubernetes component"})
	}
	switch {
	case j.GroupsExpression != "":
		out = append(out, finding{checks.Warn, "groups mapped by a CEL expression: check that it prefixes groups outside system:"})
	case j.GroupsClaim == "":
	case j.GroupsPrefix != nil && strings.HasPrefix(*j.GroupsPrefix, "system:"):
		out = append(out, finding{checks.Fail, "groups prefix " + *j.GroupsPrefix + " is under system:"})
	case j.GroupsPrefix == nil || *j.GroupsPrefix == "":
		out = append(out, finding{checks.Fail, "groups from claim " + j.GroupsClaim + " without a prefix: an identity-provider group named system:masters would be cluster-admin"})
	}
	if j.ClaimValidationRules == 0 {
		out = append(out, finding{checks.Warn, "no " + rules + ": every account of the issuer with the audience gets in"})
	}
	return out
}
