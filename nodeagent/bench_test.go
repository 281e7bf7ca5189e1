package nodeagent_test

import (
	"testing"

	"github.com/kubeposture/kubeposture/nodeagent"
)

// BenchmarkCollectControlPlane: one `audit node` run over the kubeadm control-plane fixture
// (kubelet lookup in /proc, config, static pods, ~40 files stat'ed).
func BenchmarkCollectControlPlane(b *testing.B) {
	root := buildTree(b, kubeadmControlPlane("cp-1")...)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := nodeagent.Collect(nodeagent.Options{Root: root}); err != nil {
			b.Fatal(err)
		}
	}
}
