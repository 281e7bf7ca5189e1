package network

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/internal/componentflags"
	"github.com/kubeposture/kubeposture/snapshot"
)

func TestExternalIPs(t *testing.T) {
	svcs := []corev1.Service{
		{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "x"}, Spec: corev1.ServiceSpec{ExternalIPs: []string{"198.51.100.7"}}},
		{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "plain"}},
	}
	apiserver := func(args ...string) []snapshot.Component {
		cmd := append([]string{"kube-apiserver"}, args...)
		return []snapshot.Component{{Name: "kube-apiserver", Namespace: "kube-system", Pod: "kube-apiserver-cp-1",
			Command: cmd, Flags: componentflags.Parse(cmd, nil, nil)}}
	}
	for _, tt := range []struct {
		name string
		cp   []snapshot.Component
		want wantResult
	}{
		{"plugin default-off", apiserver("--enable-admission-plugins=NodeRestriction"),
			wantResult{checks.Fail, "externalIPs 198.51.100.7 while DenyServiceExternalIPs is off on kube-apiserver-cp-1"}},
		{"plugin on", apiserver("--enable-admission-plugins=NodeRestriction,DenyServiceExternalIPs"),
			wantResult{checks.Warn, "DenyServiceExternalIPs is on"}},
		{"plugin disabled", apiserver("--disable-admission-plugins=DenyServiceExternalIPs"),
			wantResult{checks.Fail, "is off"}},
		{"flags the server refuses", apiserver("--enable-admission-plugins=DenyServiceExternalIPs", "--disable-admission-plugins=DenyServiceExternalIPs"),
			wantResult{checks.Fail, "is off"}},
		{"managed control plane", nil, wantResult{checks.Warn, "not in the snapshot"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := collected(snapshot.ResServices, snapshot.ResControlPlane)
			s.Services, s.ControlPlane = svcs, tt.cp
			expectAll(t, externalIPs(s), map[string]wantResult{
				"Service/shop/x":     tt.want,
				"Service/shop/plain": {checks.Pass, "no externalIPs"},
			})
		})
	}
}
