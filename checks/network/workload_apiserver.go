/*
KP-NET-011: workloads that do not need the API server cannot reach it.

Source: NSA/CISA Kubernetes Hardening Guide (network separation of the control plane:
restrict which pods can reach the API server); no CIS 1.12 control covers it. The API
server's addresses are those the snapshot shows (netpol.APIServerTargets): the
default/kubernetes Service's cluster IP and ports, the kube-apiserver's --advertise-address
and --secure-port (and kubeadm's advertise-address annotation), and the control-plane nodes'
addresses. The documentation leaves open whether a plugin applies policy before or after a
Service address is translated, so a pod that may reach any of them counts. The egress answer
is the netpol engine's (NetworkPolicySpec.Egress, k8s.io/api networking/v1 v0.37.2).

Reads: services (default/kubernetes), controlPlane (kube-apiserver flags), pods (kubeadm
annotation), nodes (control-plane labels, addresses), namespaces, networkPolicies, cniPolicies,
workloads (pods, deployments, statefulSets, daemonSets, replicaSets, jobs, cronJobs: each
workload's template judged as the pods it will create, its pods as they are).

Verdict per workload: WARN when its template or a pod may connect to one of the addresses (many
workloads need it; those that do not should not); PASS otherwise; NOT_EVALUATED when the
snapshot shows no API server address, or where Cilium or Calico policies may apply. Severity
info: reaching the server is not access, which RBAC decides.
*/

package network

import (
	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/internal/netpol"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:       "KP-NET-011",
			Title:    "Workloads that do not need the API server cannot reach it",
			Layer:    checks.Network,
			Severity: checks.Info,
			Description: "A pod that can connect to the API server can use any token it finds (its own, a stolen " +
				"one) and probe the server for vulnerabilities. Most application pods never talk to it.",
			Remediation: "Deny egress by default (KP-NET-004) and allow the API server's addresses (the " +
				"control-plane nodes on port 6443, or the kubernetes Service) only to the workloads that " +
				"call it; set automountServiceAccountToken: false on the others.",
		},
		Inputs: append(append([]snapshot.Resource{}, policyInputs...), snapshot.ResServices),
		Reads:  viewReads,
		Evaluate: func(s *snapshot.Snapshot) []checks.Result {
			v := newView(s)
			targets := netpol.APIServerTargets(s)
			if len(targets) == 0 {
				return []checks.Result{{Status: checks.NotEvaluated, Resource: checks.Resource{Kind: "Cluster"},
					Reason: "the snapshot shows no API server address (no default/kubernetes Service, kube-apiserver pod or control-plane node)"}}
			}
			return v.judgeUnits(func(ep netpol.Endpoint) netpol.Answer {
				a, t := v.e.Reaches(ep, targets)
				if t != nil {
					a.Because = t.String() + ": " + a.Because
				}
				return a
			}, reachVerdict(checks.Warn,
				"egress to the API server allowed only to workloads that call it",
				"networkpolicies selecting the pods: spec.egress",
				"the API server at ", "denied: "))
		},
	})
}
