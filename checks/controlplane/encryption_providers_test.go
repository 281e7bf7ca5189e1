package controlplane

import (
	"strings"
	"testing"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func prov(types ...string) []snapshot.EncryptionProvider {
	var out []snapshot.EncryptionProvider
	for _, t := range types {
		p := snapshot.EncryptionProvider{Type: t}
		if strings.HasPrefix(t, "kms") {
			p.Type, p.KMSVersion = "kms", strings.TrimPrefix(t, "kms")
		}
		out = append(out, p)
	}
	return out
}

func entry(resources []string, providers ...string) snapshot.EncryptionResources {
	return snapshot.EncryptionResources{Resources: resources, Providers: prov(providers...)}
}

func TestEncryptionProviders(t *testing.T) {
	withFlag := []string{"--encryption-provider-config=/etc/kubernetes/enc.yaml"}
	for _, tc := range []struct {
		name     string
		args     []string
		entries  []snapshot.EncryptionResources
		noFile   bool
		want     checks.Status
		observed string
	}{
		{name: "no flag", args: nil, noFile: true, want: checks.Fail, observed: "identity"},
		{name: "flag without the file", args: withFlag, noFile: true, want: checks.NotEvaluated},
		{name: "aesgcm first", args: withFlag, entries: []snapshot.EncryptionResources{entry([]string{"secrets"}, "aesgcm", "identity")}, want: checks.Pass},
		{name: "identity first, aescbc second", args: withFlag, entries: []snapshot.EncryptionResources{entry([]string{"secrets"}, "identity", "aescbc")}, want: checks.Fail, observed: "plain text"},
		{name: "aescbc is weak", args: withFlag, entries: []snapshot.EncryptionResources{entry([]string{"secrets"}, "aescbc", "identity")}, want: checks.Warn, observed: "aescbc"},
		{name: "secretbox", args: withFlag, entries: []snapshot.EncryptionResources{entry([]string{"secrets"}, "secretbox")}, want: checks.Pass},
		{name: "kms v2", args: withFlag, entries: []snapshot.EncryptionResources{entry([]string{"secrets"}, "kmsv2")}, want: checks.Pass},
		{name: "kms v1 is deprecated", args: withFlag, entries: []snapshot.EncryptionResources{entry([]string{"secrets"}, "kmsv1")}, want: checks.Warn},
		{name: "configmaps only", args: withFlag, entries: []snapshot.EncryptionResources{entry([]string{"configmaps"}, "aesgcm")}, want: checks.Fail, observed: "no resources[] entry covers secrets"},
		{name: "*. covers core resources", args: withFlag, entries: []snapshot.EncryptionResources{entry([]string{"*."}, "aesgcm")}, want: checks.Pass, observed: `"*."`},
		{name: "*.* covers everything", args: withFlag, entries: []snapshot.EncryptionResources{entry([]string{"*.*"}, "identity")}, want: checks.Fail},
		{name: "secrets. is secrets", args: withFlag, entries: []snapshot.EncryptionResources{entry([]string{"secrets."}, "aesgcm")}, want: checks.Pass},
		// The exact entry wins over the wildcard, wherever it is in the file.
		{name: "exact entry wins over *.*", args: withFlag, entries: []snapshot.EncryptionResources{
			entry([]string{"*.*"}, "identity"), entry([]string{"secrets"}, "aesgcm")}, want: checks.Pass},
		// Two entries for secrets: their providers concatenate, the first entry's first wins.
		{name: "two entries: first entry's first provider", args: withFlag, entries: []snapshot.EncryptionResources{
			entry([]string{"secrets"}, "identity"), entry([]string{"secrets", "configmaps"}, "aesgcm")}, want: checks.Fail},
		{name: "substring is not secrets", args: withFlag, entries: []snapshot.EncryptionResources{entry([]string{"mysecrets"}, "aesgcm")}, want: checks.Fail},
	} {
		t.Run(tc.name, func(t *testing.T) {
			snap := apiserverSnap(tc.args)
			if !tc.noFile {
				snap.Files = &snapshot.ControlPlaneFiles{Encryption: &snapshot.EncryptionConfig{Path: "copy.yaml", Resources: tc.entries}}
			}
			rs := encryptionProviders(snap)
			if len(rs) != 1 || rs[0].Status != tc.want || !strings.Contains(rs[0].Evidence.Observed, tc.observed) {
				t.Fatalf("got %+v, want one %s observing %q", rs, tc.want, tc.observed)
			}
			if (rs[0].Status == checks.NotEvaluated) != (rs[0].Reason != "") {
				t.Errorf("reason %q with %s", rs[0].Reason, rs[0].Status)
			}
		})
	}
}

// The node agent's summary of the file stands in for a copy given on the command line.
func TestEncryptionProvidersFromNodeReport(t *testing.T) {
	for _, tc := range []struct {
		providers []string
		want      checks.Status
	}{{[]string{"aesgcm", "identity"}, checks.Pass}, {[]string{"identity", "aesgcm"}, checks.Fail}, {[]string{"kms"}, checks.Warn}} {
		snap := apiserverSnap([]string{"--encryption-provider-config=/etc/kubernetes/enc.yaml"})
		snap.NodeReports = []snapshot.NodeReport{{Node: "cp-1", Encryption: &snapshot.EncryptionSummary{Path: "/etc/kubernetes/enc.yaml",
			Resources: []snapshot.EncryptedResources{{Resources: []string{"secrets"}, Providers: tc.providers}}}}}
		rs := encryptionProviders(snap)
		if len(rs) != 1 || rs[0].Status != tc.want || !strings.Contains(rs[0].Evidence.Where, "node report of cp-1") {
			t.Errorf("%v: got %+v, want %s", tc.providers, rs, tc.want)
		}
		// Another node's report is not this API server's file.
		snap.NodeReports[0].Node = "worker-1"
		if rs := encryptionProviders(snap); rs[0].Status != checks.NotEvaluated {
			t.Errorf("%v on another node: got %s, want NOT_EVALUATED", tc.providers, rs[0].Status)
		}
	}
}
