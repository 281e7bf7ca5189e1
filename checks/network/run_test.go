package network

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/internal/owners"
	"github.com/kubeposture/kubeposture/snapshot"
)

// TestRunGating goes through the engine: a control that could not see one of its inputs is
// NOT_EVALUATED, never PASS (without network policies every namespace would look unprotected,
// or with none collected, protected).
func TestRunGating(t *testing.T) {
	tests := []struct {
		name   string
		id     string
		ns     []string
		mutate func(s *snapshot.Snapshot)
		want   checks.Status
	}{
		{"all collected", "KP-NET-001", nil, func(*snapshot.Snapshot) {}, checks.Fail},
		{"by CIS id", "5.3.2", nil, func(*snapshot.Snapshot) {}, checks.Fail},
		{"networkpolicies forbidden", "KP-NET-001", nil, func(s *snapshot.Snapshot) {
			s.Resources[snapshot.ResNetworkPolicies] = snapshot.Collection{State: snapshot.Forbidden, Message: "RBAC"}
		}, checks.NotEvaluated},
		{"namespaces not attempted", "KP-NET-001", nil, func(s *snapshot.Snapshot) {
			delete(s.Resources, snapshot.ResNamespaces)
		}, checks.NotEvaluated},
		// Unseen CronJobs may run pods in a namespace that holds no pod now.
		{"cronjobs forbidden", "KP-NET-001", nil, func(s *snapshot.Snapshot) {
			s.Resources[snapshot.ResCronJobs] = snapshot.Collection{State: snapshot.Forbidden}
		}, checks.NotEvaluated},
		{"services collected", "KP-NET-002", nil, func(*snapshot.Snapshot) {}, checks.Warn},
		{"services forbidden", "KP-NET-002", nil, func(s *snapshot.Snapshot) {
			s.Resources[snapshot.ResServices] = snapshot.Collection{State: snapshot.Forbidden}
		}, checks.NotEvaluated},
		{"ingresses not found", "KP-NET-003", nil, func(s *snapshot.Snapshot) {
			s.Resources[snapshot.ResIngresses] = snapshot.Collection{State: snapshot.NotFound}
		}, checks.NotEvaluated},
		// A namespace's own verdict survives a run narrowed to that namespace.
		{"narrowed to the namespace", "KP-NET-001", []string{"shop"}, func(*snapshot.Snapshot) {}, checks.Fail},
		{"narrowed to another namespace", "KP-NET-001", []string{"other"}, func(*snapshot.Snapshot) {}, checks.NotApplicable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := collected(append([]snapshot.Resource{snapshot.ResNamespaces, snapshot.ResNetworkPolicies,
				snapshot.ResServices, snapshot.ResIngresses}, owners.Inputs...)...)
			s.Namespaces = []corev1.Namespace{{ObjectMeta: metav1.ObjectMeta{Name: "shop"}}}
			s.Pods = []corev1.Pod{{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "web"}}}
			s.Services = []corev1.Service{{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "np"},
				Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeNodePort}}}
			tt.mutate(s)
			sel := checks.Selection{Controls: []string{tt.id}, Namespaces: tt.ns}
			selected, err := sel.Select(checks.Registered())
			if err != nil {
				t.Fatal(err)
			}
			rep := checks.Run(s, selected, sel)
			if len(rep.Controls) != 1 {
				t.Fatalf("got %d controls, want 1", len(rep.Controls))
			}
			if got := rep.Controls[0].Status; got != tt.want {
				t.Errorf("status %s, want %s (results %+v)", got, tt.want, rep.Controls[0].Results)
			}
		})
	}
}
