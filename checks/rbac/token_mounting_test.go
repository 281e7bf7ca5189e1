package rbac

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/kubeposture/kubeposture/checks"
)

func TestTokenMounting(t *testing.T) {
	projected := corev1.Volume{Name: "kube-api-access", VolumeSource: corev1.VolumeSource{Projected: &corev1.ProjectedVolumeSource{
		Sources: []corev1.VolumeProjection{{ServiceAccountToken: &corev1.ServiceAccountTokenProjection{Path: "token"}}}}}}
	for _, tc := range []struct {
		name     string
		podMount *bool
		saMount  *bool
		volumes  []corev1.Volume
		bound    bool
		want     checks.Status
	}{
		{"unset everywhere: mounted, not needed", nil, nil, nil, false, checks.Warn},
		{"pod false", ptr.To(false), nil, nil, false, checks.Pass},
		{"sa false", nil, ptr.To(false), nil, false, checks.Pass},
		{"pod true wins over sa false", ptr.To(true), ptr.To(false), nil, false, checks.Warn},
		{"pod false wins over sa true", ptr.To(false), ptr.To(true), nil, false, checks.Pass},
		{"projected token volume counts", ptr.To(false), nil, []corev1.Volume{projected}, false, checks.Warn},
		{"needed: the account is bound", nil, nil, nil, true, checks.Pass},
	} {
		t.Run(tc.name, func(t *testing.T) {
			snap := rbacSnap()
			snap.ServiceAccounts = []corev1.ServiceAccount{{ObjectMeta: metav1.ObjectMeta{Namespace: "team", Name: "app"}, AutomountServiceAccountToken: tc.saMount}}
			snap.Pods = []corev1.Pod{{ObjectMeta: metav1.ObjectMeta{Namespace: "team", Name: "p"},
				Spec: corev1.PodSpec{ServiceAccountName: "app", AutomountServiceAccountToken: tc.podMount, Volumes: tc.volumes}}}
			if tc.bound {
				bind(snap, "r", []rbacv1.PolicyRule{rule(s("get"), s(""), s("configmaps"))}, "RoleBinding", rbacv1.Subject{Kind: "ServiceAccount", Name: "app"}, nil)
			}
			rs := tokenMounting(snap)
			if len(rs) != 1 || rs[0].Status != tc.want {
				t.Fatalf("got %+v, want one %s", rs, tc.want)
			}
			if tc.want == checks.Warn && rs[0].Resource != (checks.Resource{Kind: "Pod", Namespace: "team", Name: "p"}) {
				t.Errorf("resource %v", rs[0].Resource)
			}
		})
	}
}
