package controlplane

import (
	"strings"
	"testing"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func TestEncryptionLive(t *testing.T) {
	w := func(prefix, status string, n float64) snapshot.TransformationCount {
		return snapshot.TransformationCount{Type: "to_storage", Prefix: prefix, Status: status, Count: n}
	}
	r := func(prefix string, n float64) snapshot.TransformationCount {
		return snapshot.TransformationCount{Type: "from_storage", Prefix: prefix, Status: "OK", Count: n}
	}
	for _, tc := range []struct {
		name     string
		samples  []snapshot.TransformationCount
		want     checks.Status
		observed string
	}{
		{"encrypted writes", []snapshot.TransformationCount{w("k8s:enc:aesgcm:v1:", "OK", 3)}, checks.Pass, "k8s:enc:aesgcm"},
		// What a real server records for one aesgcm write: the provider's prefix, then the key's.
		{"provider and key prefixes", []snapshot.TransformationCount{w("k8s:enc:aesgcm:v1:", "OK", 1), w("key1:", "OK", 1)}, checks.Pass, `"key1:"`},
		{"identity word", []snapshot.TransformationCount{w("identity", "OK", 1)}, checks.Fail, ""},
		{"identity writes", []snapshot.TransformationCount{w("", "OK", 2)}, checks.Fail, `to_storage "" OK: 2`},
		{"both", []snapshot.TransformationCount{w("", "OK", 1), w("k8s:enc:aescbc:v1:k:", "OK", 1)}, checks.Warn, ""},
		{"failed encryption", []snapshot.TransformationCount{w("k8s:enc:kms:v2:vault:", "Internal", 1)}, checks.Warn, "Internal"},
		{"reads only", []snapshot.TransformationCount{r("k8s:enc:aesgcm:v1:key1:", 4)}, checks.NotEvaluated, "from_storage"},
		{"nothing", nil, checks.NotEvaluated, "no transformation"},
		{"zero count is no write", []snapshot.TransformationCount{w("", "OK", 0)}, checks.NotEvaluated, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			snap := apiserverSnap(nil)
			snap.Resources[snapshot.ResAPIServerMetrics] = snapshot.Collection{State: snapshot.Collected}
			snap.APIServer = &snapshot.APIServerObservations{SecretTransformations: tc.samples}
			rs := encryptionLive(snap)
			if len(rs) != 1 || rs[0].Status != tc.want || !strings.Contains(rs[0].Evidence.Observed, tc.observed) {
				t.Fatalf("got %+v, want one %s observing %q", rs, tc.want, tc.observed)
			}
		})
	}
}
