package network

import (
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/internal/netpol"
)

// idleWorld holds workloads whose pods are not running: a namespace with a CronJob only
// (between runs), a Deployment scaled to zero behind an ingress default deny, a DaemonSet on
// the host network just applied, a finished Job, and a Deployment one of whose pods had its
// labels changed by hand.
func idleWorld(t *testing.T) *estateLike {
	e := newEstate(t, "cron", "scaled", "agents", "done", "hand")
	e.workload("CronJob", "cron/report", 0, "app=report")
	e.s.Jobs = e.s.Jobs[:0] // between runs: no Job, no pod
	e.workload("Deployment", "scaled/api", 0, "app=api")
	e.policy(`
metadata: {name: deny-in, namespace: scaled}
spec: {podSelector: {}, policyTypes: [Ingress]}`)
	e.workload("DaemonSet", "agents/node-exporter", 0, "app=node-exporter", "hostNetwork", "hostPort=9100")
	e.workload("Job", "done/migrate", 0, "app=migrate")
	e.s.Jobs[len(e.s.Jobs)-1].Status.Conditions = []batchv1.JobCondition{{Type: batchv1.JobComplete, Status: corev1.ConditionTrue}}
	e.workload("Deployment", "hand/web", 3, "app=web")
	e.pod("hand/web-a", "app=web", "owner=ReplicaSet/web-5d8f").pod("hand/web-b", "app=web", "owner=ReplicaSet/web-5d8f")
	e.pod("hand/web-c", "app=debug", "owner=ReplicaSet/web-5d8f") // relabelled by hand
	e.policy(`
metadata: {name: web, namespace: hand}
spec:
	podSelector: {matchLabels: {app: web}}
	policyTypes: [Ingress, Egress]
	ingress: [{from: [{podSelector: {}}]}]`)
	return e
}

// TestTemplatesDefaultDeny: a namespace whose only workload is a CronJob between runs, or a
// Deployment scaled to zero, will run pods: the namespace default deny (KP-NET-001, 004)
// applies to it. A finished Job will run none: its namespace stays NOT_APPLICABLE.
func TestTemplatesDefaultDeny(t *testing.T) {
	e := idleWorld(t)
	expectAll(t, defaultDeny(e.s, netpol.Ingress), map[string]wantResult{
		"Namespace/cron":   {checks.Fail, "no NetworkPolicy governs ingress; 0 pods, and 1 workload that will create pods (CronJob report)"},
		"Namespace/scaled": {checks.Pass, "NetworkPolicy deny-in isolates every pod for ingress; 0 pods, and 1 workload that will create pods (Deployment api)"},
		"Namespace/agents": {checks.Fail, "DaemonSet node-exporter"},
		"Namespace/done":   {checks.NotApplicable, "no workload here will create any"},
		"Namespace/hand":   {checks.Fail, "1 NetworkPolicy governs ingress for selected pods only; 3 pods"},
	})
	expectAll(t, defaultDeny(e.s, netpol.Egress), map[string]wantResult{
		"Namespace/cron":   {checks.Fail, "CronJob report"},
		"Namespace/scaled": {checks.Fail, "no NetworkPolicy governs egress; 0 pods, and 1 workload"},
		"Namespace/agents": {checks.Fail, "DaemonSet node-exporter"},
		"Namespace/done":   {checks.NotApplicable, "0 pods"},
		"Namespace/hand":   {checks.Fail, "for selected pods only"},
	})
}

// TestTemplatesWorkloads: the per-workload controls judge a template as the pods it will
// create, and the pods as they are.
func TestTemplatesWorkloads(t *testing.T) {
	e := idleWorld(t)
	expectAll(t, checkByID(t, "KP-NET-007").Evaluate(e.s), map[string]wantResult{
		"CronJob/cron/report":            {checks.Fail, "template may reach the metadata service: no NetworkPolicy selects the pod for Egress"},
		"Deployment/scaled/api":          {checks.Fail, "template may reach the metadata service"},
		"DaemonSet/agents/node-exporter": {checks.Fail, "template may reach the metadata service: hostNetwork pod"},
		"Deployment/hand/web":            {checks.Fail, "1 of 3 pods (web-c) may reach the metadata service: no NetworkPolicy selects the pod for Egress"},
	})
	expectAll(t, ingressExposure(e.s), map[string]wantResult{
		"CronJob/cron/report": {checks.Fail, "template accepts connections from any address: no NetworkPolicy selects the pod for Ingress"},
		// Isolated by deny-in: the template of a Deployment scaled to zero is judged as its pods will be.
		"Deployment/scaled/api":          {checks.Pass, "ingress limited: isolated for Ingress by scaled/deny-in; no rule accepts every pod"},
		"DaemonSet/agents/node-exporter": {checks.Fail, "template accepts connections from any address: hostNetwork pod"},
		// The pod relabelled by hand escapes the policy that selects the others.
		"Deployment/hand/web": {checks.Fail, "1 of 3 pods (web-c) accepts connections from any address: no NetworkPolicy selects the pod for Ingress"},
	})
	expectAll(t, unisolated(e.s), map[string]wantResult{
		"CronJob/cron/report":            {checks.NotApplicable, ""},
		"Deployment/scaled/api":          {checks.Pass, "template isolated for Ingress"},
		"DaemonSet/agents/node-exporter": {checks.NotApplicable, ""},
		"Deployment/hand/web":            {checks.Fail, "1 of 3 pods (web-c) is not isolated for Ingress | 1 of 3 pods (web-c) is not isolated for Egress"},
	})
	expectAll(t, hostNetwork(e.s), map[string]wantResult{
		"CronJob/cron/report":            {checks.Pass, "pod network only"},
		"Deployment/scaled/api":          {checks.Pass, "pod network only"},
		"DaemonSet/agents/node-exporter": {checks.Fail, `template uses hostNetwork: it listens on the node's addresses and NetworkPolicy does not apply; container "app" hostPort 9100/TCP`},
		"Deployment/hand/web":            {checks.Pass, "pod network only"},
	})
}

// TestTemplatesFold: a workload whose pods carry its template's labels is asked once; a pod
// relabelled by hand is asked apart.
func TestTemplatesFold(t *testing.T) {
	e := idleWorld(t)
	v := buildView(e.s)
	sizes := map[string][]int{}
	for i, u := range v.units {
		for _, g := range v.groups[i] {
			n := len(g.pods)
			if g.template {
				n = -n - 1 // the template's group: -1 - pods
			}
			sizes[u.res.String()] = append(sizes[u.res.String()], n)
		}
	}
	want := map[string][]int{
		"CronJob/cron/report":            {-1},
		"Deployment/scaled/api":          {-1},
		"DaemonSet/agents/node-exporter": {-1},
		"Deployment/hand/web":            {-3, 1},
	}
	for k, w := range want {
		if got := sizes[k]; len(got) != len(w) || (len(got) > 0 && (got[0] != w[0] || (len(w) > 1 && got[1] != w[1]))) {
			t.Errorf("%s: groups %v, want %v", k, got, w)
		}
	}
	if _, ok := sizes["Job/done/migrate"]; ok {
		t.Errorf("a finished Job without pods is judged: %v", sizes["Job/done/migrate"])
	}
}
