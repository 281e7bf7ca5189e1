/*
The API server must reject anonymous requests.

Source: CIS Kubernetes Benchmark 1.12, 1.2.1. Default from k8s.io/kubernetes
pkg/kubeapiserver/options/authentication.go (WithAnonymous: Allow true; the flag is
--anonymous-auth, and --authentication-config may configure the anonymous authenticator
instead, the two being mutually exclusive when the file has an anonymous section).

Reads: kube-apiserver --anonymous-auth, --authentication-config.

Allowed values: --anonymous-auth=false, in any spelling strconv.ParseBool reads as false
(false, 0, f, F, FALSE, False). Absent is true (FAIL), unless --authentication-config is set:
then its anonymous section decides when a copy was given to audit (audit scan
--authentication-config): enabled: false, or enabled with conditions limited to /livez,
/readyz and /healthz (the kubelet's probes; k8s.io/apiserver pkg/apis/apiserver
AnonymousAuthConfig), passes; enabled on every path or on other paths fails; a file without an
anonymous section leaves the flag (and its default true) in charge; the section together with
the flag makes the apiserver refuse to start (FAIL, pkg/kubeapiserver/options/authentication.go).
Without the copy: NOT_EVALUATED. A value ParseBool cannot read fails.

The apiserver turns anonymous auth off by itself when AlwaysAllow is in --authorization-mode
(ApplyAuthorization); that still fails here, since it comes back as soon as AlwaysAllow is
removed, and AlwaysAllow is a failure of KP-CP-002.
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
			ID:       "KP-CP-001",
			Title:    "API server rejects anonymous requests",
			Layer:    checks.ControlPlane,
			Severity: checks.High,
			Description: "With --anonymous-auth left at its default (true), requests that no authenticator " +
				"rejects are served as system:anonymous, so any binding to system:unauthenticated or " +
				"system:anonymous is open to the network.",
			Remediation: "Set --anonymous-auth=false in /etc/kubernetes/manifests/kube-apiserver.yaml on each " +
				"control-plane node (the kubelet restarts the static pod). The kubelet's probes call /livez and " +
				"/readyz without credentials: on Kubernetes 1.32+ use --authentication-config instead, with " +
				"anonymous.enabled limited by conditions to those paths, or the probes will fail.",
			References: checks.References{CIS: []string{"1.2.1"}},
		},
		AnyInputs: sources,
		Evaluate:  anonymousAuth,
	})
}

// healthPaths are the paths an anonymous authenticator may be limited to and still pass:
// the kubelet's probes call them without credentials.
var healthPaths = map[string]bool{"/livez": true, "/readyz": true, "/healthz": true}

func anonymousAuth(snap *snapshot.Snapshot) []checks.Result {
	return eachAPIServer(snap, func(c *snapshot.Component) checks.Result {
		if file, ok := c.Flag("authentication-config"); ok && snap.Files != nil && snap.Files.Authentication != nil && snap.Files.Authentication.Anonymous != nil {
			return anonymousFromFile(c, file, snap.Files.Authentication)
		}
		if _, set := c.Flag("anonymous-auth"); !set && (snap.Files == nil || snap.Files.Authentication == nil) {
			if file, ok := c.Flag("authentication-config"); ok {
				return checks.Result{
					Status: checks.NotEvaluated,
					Evidence: checks.Evidence{
						Where:    where(c, "authentication-config"),
						Observed: "--anonymous-auth absent; --authentication-config=" + file,
						Expected: "anonymous.enabled: false in the AuthenticationConfiguration file, or --anonymous-auth=false",
					},
					Reason: "anonymous authentication is then configured in the AuthenticationConfiguration file " +
						file + ", which the snapshot does not hold (without an anonymous section there, the default true applies)",
				}
			}
		}
		return requireFalse(c, "anonymous-auth", true)
	})
}

// anonymousFromFile judges the anonymous section of the AuthenticationConfiguration a.
func anonymousFromFile(c *snapshot.Component, flag string, a *snapshot.AuthenticationConfig) checks.Result {
	ev := checks.Evidence{
		Where:    fmt.Sprintf("AuthenticationConfiguration %s anonymous (the apiserver's --authentication-config=%s)", a.Path, flag),
		Expected: "anonymous.enabled: false, or enabled only for /livez, /readyz, /healthz",
	}
	anon := a.Anonymous
	if _, set := c.Flag("anonymous-auth"); set {
		ev.Observed = "anonymous section in the file and --anonymous-auth on the command line (the apiserver would refuse to start)"
		return checks.Result{Status: checks.Fail, Evidence: ev}
	}
	if !anon.Enabled {
		ev.Observed = "enabled: false"
		return checks.Result{Status: checks.Pass, Evidence: ev}
	}
	if len(anon.Paths) == 0 {
		ev.Observed = "enabled: true, on every path"
		return checks.Result{Status: checks.Fail, Evidence: ev}
	}
	var other []string
	for _, p := range anon.Paths {
		if !healthPaths[p] {
			other = append(other, p)
		}
	}
	ev.Observed = "enabled: true, only for " + strings.Join(anon.Paths, ", ")
	return verdict(len(other) == 0, ev)
}
