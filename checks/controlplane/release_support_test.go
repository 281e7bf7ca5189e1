package controlplane

import (
	"testing"
	"time"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func TestReleaseSupport(t *testing.T) {
	dec2026 := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		version  string
		provider snapshot.Provider
		at       time.Time
		want     checks.Status
	}{
		{"v1.34.3", snapshot.ProviderKubeadm, dec2026, checks.Fail},
		{"v1.34.3", snapshot.ProviderKubeadm, time.Date(2026, 10, 27, 12, 0, 0, 0, time.UTC), checks.Pass},
		{"v1.34.3-eks-2f008fe", snapshot.ProviderEKS, dec2026, checks.Warn},
		{"v1.35.1", snapshot.ProviderKubeadm, dec2026, checks.Pass},
		{"v1.37.2", snapshot.ProviderKubeadm, dec2026, checks.Pass},
		{"v1.20.0", snapshot.ProviderKubeadm, dec2026, checks.Fail},
		{"", snapshot.ProviderKubeadm, dec2026, checks.NotEvaluated},
	} {
		s := snapshot.New()
		s.Cluster = snapshot.Cluster{Version: tc.version, Provider: tc.provider}
		s.CollectedAt = tc.at
		if rs := releaseSupport(s); len(rs) != 1 || rs[0].Status != tc.want {
			t.Errorf("%s on %s at %s: %+v, want %s", tc.version, tc.provider, tc.at.Format(time.DateOnly), rs, tc.want)
		}
	}
}
