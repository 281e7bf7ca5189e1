package node

import (
	"strings"
	"testing"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/nodeagent"
	"github.com/kubeposture/kubeposture/snapshot"
	kubeletv1beta1 "k8s.io/kubelet/config/v1beta1"
)

func TestTLSCertFile(t *testing.T) {
	set := func(cert, key string, boot bool) func(*kubeletv1beta1.KubeletConfiguration) {
		return func(c *kubeletv1beta1.KubeletConfiguration) {
			c.TLSCertFile, c.TLSPrivateKeyFile, c.ServerTLSBootstrap = cert, key, boot
		}
	}
	runConfigCases(t, tlsCertFile, "tlsCertFile,tlsPrivateKeyFile,serverTLSBootstrap", []configCase{
		{name: "both files", mutate: set("/k.crt", "/k.key", false), want: checks.Pass, observed: `tlsCertFile="/k.crt"`},
		{name: "bootstrap", mutate: set("", "", true), want: checks.Pass, observed: "serverTLSBootstrap=true"},
		{name: "self-signed", mutate: set("", "", false), want: checks.Fail, observed: "serverTLSBootstrap=false"},
		{name: "cert without key", mutate: set("/k.crt", "", true), want: checks.Fail, observed: `tlsPrivateKeyFile=""`},
		// configz of a kubelet that set neither: InitializeTLS filled in its own pair.
		{name: "the kubelet's own pair", mutate: set(ownCert, ownKey, false), want: checks.Fail, observed: "--cert-dir"},
		{name: "own names, two directories", mutate: set(ownCert, "/etc/kubelet/kubelet.key", false), want: checks.Pass},
		{name: "own names, bootstrap", mutate: set(ownCert, ownKey, true), want: checks.Pass},
	})
}

// The pair cmd/kubelet/app/server.go InitializeTLS fills in with the default --cert-dir.
const ownCert, ownKey = "/var/lib/kubelet/pki/kubelet.crt", "/var/lib/kubelet/pki/kubelet.key"

// TestKubeletsOwnPair: with a node report, the kubelet's flags and config file say whether
// the pair configz shows was set by the administrator or filled in by the kubelet, for a
// kubelet with a config file and for a flag-only one; KP-NODE-009 and KP-NODE-011 agree.
func TestKubeletsOwnPair(t *testing.T) {
	const configPath = "/var/lib/kubelet/config.yaml"
	pairFlags := []snapshot.Flag{{Name: "tls-cert-file", Value: ownCert}, {Name: "tls-private-key-file", Value: ownKey}}
	for _, tc := range []struct {
		name     string
		file     *kubeletv1beta1.KubeletConfiguration // nil: flag-only
		flags    []snapshot.Flag
		configz  bool // configz read besides the node report
		want009  checks.Status
		want011  checks.Status
		observed string
	}{
		{name: "config file sets the pair", file: &kubeletv1beta1.KubeletConfiguration{TLSCertFile: ownCert, TLSPrivateKeyFile: ownKey},
			configz: true, want009: checks.Pass, want011: checks.Warn},
		{name: "flags set the pair", file: &kubeletv1beta1.KubeletConfiguration{}, flags: pairFlags,
			configz: true, want009: checks.Pass, want011: checks.Warn},
		{name: "flag-only, flags set the pair", flags: pairFlags, configz: true, want009: checks.Pass, want011: checks.Warn},
		{name: "config file, pair unset", file: &kubeletv1beta1.KubeletConfiguration{},
			configz: true, want009: checks.Fail, want011: checks.Fail, observed: "(node agent)"},
		{name: "flag-only, pair unset", configz: true, want009: checks.Fail, want011: checks.Fail, observed: "(node agent)"},
		// Without configz the node agent's effective values leave the pair unset.
		{name: "flag-only, node report alone", want009: checks.Fail, want011: checks.Fail, observed: "serverTLSBootstrap=false"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := configPath
			if tc.file == nil {
				path = ""
			}
			eff, src, errs := nodeagent.Effective(tc.file, tc.flags, path)
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			snap := kubeletSnap()
			if tc.configz {
				// What configz shows after InitializeTLS: the pair, set or filled in.
				shown := eff.DeepCopy()
				shown.TLSCertFile, shown.TLSPrivateKeyFile = ownCert, ownKey
				snap = kubeletSnap(collected("worker-1", shown))
			}
			snap = withReports(snap, snapshot.NodeReport{Node: "worker-1", Kubelet: &snapshot.NodeKubelet{
				Flags: tc.flags, ConfigFile: path, File: tc.file, Effective: eff, Sources: src}})
			for id, want := range map[string]checks.Status{"KP-NODE-009": tc.want009, "KP-NODE-011": tc.want011} {
				rs := evaluator(t, id)(snap)
				if len(rs) != 1 || rs[0].Status != want || !strings.Contains(rs[0].Evidence.Observed, tc.observed) {
					t.Errorf("%s: got %+v, want %s observing %q", id, rs, want, tc.observed)
				}
			}
		})
	}
}
