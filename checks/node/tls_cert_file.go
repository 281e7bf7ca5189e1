/*
The kubelet must serve its API with a certificate the API server can verify.

Source: CIS Kubernetes Benchmark 1.12, 4.2.9 (manual): --tls-cert-file and
--tls-private-key-file (tlsCertFile, tlsPrivateKeyFile) set. Defaults from
k8s.io/kubernetes@v1.37.2: tlsCertFile and tlsPrivateKeyFile are unset
(pkg/kubelet/apis/config/v1beta1/defaults.go sets neither), and then the kubelet uses a
self-signed pair in --cert-dir (cmd/kubelet/app/server.go InitializeTLS), unless
serverTLSBootstrap is true, in which case it requests a serving certificate from the API
server (CSR API). InitializeTLS fills tlsCertFile and tlsPrivateKeyFile with
<cert-dir>/kubelet.crt and <cert-dir>/kubelet.key (generating the pair when it cannot read
one there) before the kubelet registers its configz (run, initConfigz), so configz shows them
set on every kubelet that set neither: set by the kubelet, not by the administrator.

Reads: tlsCertFile, tlsPrivateKeyFile, serverTLSBootstrap (configz, or the node agent's
effective values), and the node agent's origin of tlsCertFile and tlsPrivateKeyFile (flag,
config file or default) when a node report is merged.

Allowed values: both files set by the administrator, or serverTLSBootstrap true. Only one of
the two files set fails (the kubelet would refuse to start); neither, without
serverTLSBootstrap, fails: the certificate is self-signed. configz showing the pair
InitializeTLS fills in fails too: with a node report, when neither the kubelet's flags nor its
config file set the two files; without one, when they are named as InitializeTLS names them
(kubelet.crt and kubelet.key in one directory), which is how configz shows every kubelet that
set neither.
*/

package node

import (
	"fmt"
	"path"
	"strings"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:       "KP-NODE-009",
			Title:    "Kubelet serves with a verifiable TLS certificate",
			Layer:    checks.Node,
			Severity: checks.Medium,
			Description: "Without tlsCertFile and tlsPrivateKeyFile, and without serverTLSBootstrap, the kubelet " +
				"serves with a self-signed certificate, which the API server cannot verify: its connections to " +
				"the kubelet can be intercepted.",
			Remediation: "Set serverTLSBootstrap: true in the kubelet config file (and approve the kubelet-serving " +
				"CSRs), or set tlsCertFile and tlsPrivateKeyFile to a certificate signed by a CA the API server " +
				"trusts; then restart the kubelet.",
			References: checks.References{CIS: []string{"4.2.9"}},
		},
		Inputs:    inputs,
		AnyInputs: sources,
		Evaluate:  tlsCertFile,
	})
}

func tlsCertFile(snap *snapshot.Snapshot) []checks.Result {
	const field = "tlsCertFile,tlsPrivateKeyFile,serverTLSBootstrap"
	whereOf := func(v *kubeletView) string { return where(v, field) }
	return eachKubeletView(snap, whereOf, func(v *kubeletView, ev checks.Evidence) checks.Result {
		cfg := v.Config
		ev.Expected = "tlsCertFile and tlsPrivateKeyFile set, or serverTLSBootstrap true"
		cert, key := cfg.TLSCertFile, cfg.TLSPrivateKeyFile
		ev.Observed = fmt.Sprintf("tlsCertFile=%q tlsPrivateKeyFile=%q serverTLSBootstrap=%t", cert, key, cfg.ServerTLSBootstrap)
		if how := kubeletsOwnPair(v); how != "" {
			ev.Observed += " (" + how + ")"
			return verdict(false, ev)
		}
		return verdict((cert != "" && key != "") || (cert == "" && key == "" && cfg.ServerTLSBootstrap), ev)
	})
}

// kubeletsOwnPair says how it is known that the serving pair configz shows was filled in by
// the kubelet itself (cmd/kubelet/app/server.go InitializeTLS: with serverTLSBootstrap false
// and neither file set, <cert-dir>/kubelet.crt and kubelet.key, self-signed unless someone
// put another pair there), or "" when it was not: other names, or a node report whose
// kubelet sets them by a flag or in its config file.
func kubeletsOwnPair(v *kubeletView) string {
	cfg := v.Config
	if v.Source != sourceConfigz || cfg.ServerTLSBootstrap {
		// The node agent's effective values leave an unset pair unset; with
		// serverTLSBootstrap the kubelet fills nothing in.
		return ""
	}
	dir, name := path.Split(cfg.TLSCertFile)
	if name != "kubelet.crt" || cfg.TLSPrivateKeyFile != dir+"kubelet.key" {
		return ""
	}
	if v.Agent != nil {
		certFrom, certKnown := v.Agent.Sources["tlsCertFile"]
		keyFrom, keyKnown := v.Agent.Sources["tlsPrivateKeyFile"]
		switch {
		case setByAdministrator(certFrom) || setByAdministrator(keyFrom):
			return ""
		case certKnown && keyKnown:
			return "neither the kubelet's flags nor its config file set them (node agent): the kubelet filled in the self-signed pair it keeps in its --cert-dir"
		}
	}
	return "the names the kubelet gives the self-signed pair it writes to its --cert-dir when neither file is set; a node report tells an explicit setting apart"
}

// setByAdministrator tells whether a NodeKubelet.Sources origin is the kubelet's command line
// or config file ("flag --x=y", "config file PATH"), not a default.
func setByAdministrator(origin string) bool {
	return strings.HasPrefix(origin, "flag --") || strings.HasPrefix(origin, "config file ")
}
