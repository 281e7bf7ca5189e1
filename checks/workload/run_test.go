package workload

import (
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

// TestRunGating goes through the engine: a control whose inputs were not all collected is
// NOT_EVALUATED, never PASS, even when the objects that were collected would pass.
func TestRunGating(t *testing.T) {
	tests := []struct {
		name   string
		id     string
		mutate func(s *snapshot.Snapshot)
		want   checks.Status
	}{
		{"collected, privileged pod", "KP-WL-001", func(*snapshot.Snapshot) {}, checks.Fail},
		{"jobs forbidden", "KP-WL-001", func(s *snapshot.Snapshot) {
			s.Resources[snapshot.ResJobs] = snapshot.Collection{State: snapshot.Forbidden, Message: "RBAC"}
		}, checks.NotEvaluated},
		{"replicasets never attempted", "KP-WL-002", func(s *snapshot.Snapshot) {
			delete(s.Resources, snapshot.ResReplicaSets)
		}, checks.NotEvaluated},
		{"pods failed", "KP-WL-003", func(s *snapshot.Snapshot) {
			s.Resources[snapshot.ResPods] = snapshot.Collection{State: snapshot.Failed}
		}, checks.NotEvaluated},
		{"by CIS id", "5.2.2", func(*snapshot.Snapshot) {}, checks.Fail},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := collected()
			s.Pods = append(s.Pods, pod("a", "p", nil, with(func(s *corev1.PodSpec) {
				s.Containers[0].SecurityContext.Privileged = ptr(true)
			})))
			tt.mutate(s)
			sel := checks.Selection{Controls: []string{tt.id}}
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
