/*
KP-NET-007: workloads cannot reach the cloud metadata service.

Source: NSA/CISA Kubernetes Hardening Guide (network separation; restrict access to the cloud
instance metadata API, which hands out the node's cloud credentials); no CIS 1.12 control
covers it. The addresses: 169.254.169.254 (AWS, GCP, Azure and most others) and
fd00:ec2::254 (AWS over IPv6), HTTP on port 80. The verdict is the netpol engine's egress
answer for each pod (k8s.io/api networking/v1 NetworkPolicySpec.Egress: an isolated pod may
send only what some egress rule allows; a pod no policy isolates for egress may send
anything). hostNetwork pods are the node itself to the network: no NetworkPolicy limits
them (Kubernetes documentation, "NetworkPolicies and hostNetwork pods").

Reads: namespaces (labels), networkPolicies, cniPolicies, workloads (pods, deployments,
statefulSets, daemonSets, replicaSets, jobs, cronJobs: each workload's template judged as the
pods it will create, its pods as they are): labels, namespace, hostNetwork.

Verdict per workload: FAIL when its template or any of its pods may connect to either address
on TCP 80, with the reason (no egress policy, or the rule that allows it); PASS otherwise;
NOT_EVALUATED where Cilium or Calico policies may apply. Blocking at the node (IMDSv2 hop
limit, GKE metadata concealment) is not visible in the snapshot.
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
			ID:       "KP-NET-007",
			Title:    "Workloads cannot reach the cloud metadata service",
			Layer:    checks.Network,
			Severity: checks.High,
			Description: "The cloud metadata service (169.254.169.254, fd00:ec2::254) hands the node's cloud " +
				"credentials to whoever asks from the node's network. A pod that may connect to it can " +
				"often escalate from the cluster into the cloud account (SSRF to IMDS).",
			Remediation: "Deny egress by default (KP-NET-004) and, where a policy allows broad egress, carve out " +
				"the metadata range: ipBlock {cidr: 0.0.0.0/0, except: [169.254.0.0/16]}. Also require " +
				"IMDSv2 with a hop limit of 1 (AWS) or enable metadata concealment / Workload Identity (GKE).",
		},
		Inputs: policyInputs,
		Reads:  viewReads,
		Evaluate: func(s *snapshot.Snapshot) []checks.Result {
			v := newView(s)
			targets := netpol.MetadataTargets()
			return v.judgeUnits(func(ep netpol.Endpoint) netpol.Answer {
				a, _ := v.e.Reaches(ep, targets)
				return a
			}, reachVerdict(checks.Fail,
				"egress to 169.254.169.254 and fd00:ec2::254 on TCP 80 denied",
				"networkpolicies selecting the pods: spec.egress",
				"the metadata service: ", "denied: "))
		},
	})
}
