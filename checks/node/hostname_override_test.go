package node

import (
	"testing"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func agentReport(node string, flags ...snapshot.Flag) snapshot.NodeReport {
	return snapshot.NodeReport{Node: node, Kubelet: &snapshot.NodeKubelet{Flags: flags, Effective: secure()}}
}

func TestHostnameOverride(t *testing.T) {
	for _, tc := range []struct {
		name string
		snap *snapshot.Snapshot
		want checks.Status
	}{
		{"configz only", kubeletSnap(collected("worker-1", secure())), checks.NotEvaluated},
		{"agent, absent", withReports(kubeletSnap(), agentReport("worker-1", snapshot.Flag{Name: "v", Value: "2"})), checks.Pass},
		{"agent, set", withReports(kubeletSnap(), agentReport("worker-1", snapshot.Flag{Name: "hostname-override", Value: "x"})), checks.Fail},
		// configz gives the configuration, the agent the flags: both are used.
		{"configz and agent", withReports(kubeletSnap(collected("worker-1", secure())),
			agentReport("worker-1", snapshot.Flag{Name: "hostname-override", Value: "x"})), checks.Fail},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs := hostnameOverride(tc.snap)
			if len(rs) != 1 || rs[0].Status != tc.want || rs[0].Resource.Name != "worker-1" {
				t.Fatalf("got %+v, want one %s for worker-1", rs, tc.want)
			}
		})
	}
}

func withReports(s *snapshot.Snapshot, reps ...snapshot.NodeReport) *snapshot.Snapshot {
	s.MergeNodeReports(reps)
	return s
}

// A node whose configz failed is judged from its node report, and says so in the evidence.
func TestAgentFallback(t *testing.T) {
	failed := snapshot.Kubelet{Node: "worker-1", Collection: snapshot.Collection{State: snapshot.Forbidden, Message: "forbidden"}}
	rep := agentReport("worker-1")
	rep.Kubelet.Effective = insecure()
	rep.Kubelet.Sources = map[string]string{"authentication.anonymous.enabled": "default (flag-only kubelet)"}
	rs := evaluator(t, "KP-NODE-001")(withReports(kubeletSnap(failed), rep))
	if len(rs) != 1 || rs[0].Status != checks.Fail ||
		rs[0].Evidence.Where != "kubelet authentication.anonymous.enabled (node worker-1, node agent: default (flag-only kubelet))" {
		t.Fatalf("got %+v", rs)
	}
	// Without the report the node stays NOT_EVALUATED with the collector's reason.
	if rs := evaluator(t, "KP-NODE-001")(kubeletSnap(failed)); rs[0].Status != checks.NotEvaluated || rs[0].Reason != "forbidden" {
		t.Fatalf("got %+v", rs)
	}
}
