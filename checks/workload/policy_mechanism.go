/*
KP-WL-028: every namespace with user workloads has an active policy control mechanism (CIS
5.2.1).

Source: CIS Kubernetes Benchmark 1.12, 5.2.1 "Ensure that the cluster has at least one active
policy control mechanism in place" (manual in CIS): "Ensure that either Pod Security Admission
or an external policy control system is in place for every namespace which contains user
workloads." KP-WL-005 asks for more (every namespace, an enforced Pod Security level, an
external engine only a WARN to verify) and claims nothing of CIS; KP-CP-051 (the plugin is on)
and KP-WL-004, 006, 007 answer other questions.

Decisions. In place means it refuses pods: the PodSecurity plugin enforcing baseline or
restricted in the namespace (label, or the admission configuration's default; the plugin on,
the namespace not exempt; a label the plugin cannot read is enforced as restricted, as upstream
does), or a validating admission webhook that judges pod creation there (rules matching CREATE
of pods in the core group, namespaceSelector matching the namespace's labels): that is how
external engines (Kyverno, Gatekeeper, Kubewarden) enforce. enforce privileged enforces nothing,
and warn or audit labels report without refusing: neither is a control. User workloads: any
workload unit (a controller or a bare pod, running or not) in a namespace other than
kube-system, kube-public and kube-node-lease, which hold the cluster's own components; a
namespace without workloads is not applicable. ValidatingAdmissionPolicies are not collected:
a namespace governed by one alone fails here (to be excepted, saying which policy). kube-bench
leaves 5.2.1 manual; kubescape's C-0192 accepts any enforce label or any webhook.

Unit: each Namespace. Reads: namespace labels pod-security.kubernetes.io/enforce (and -version),
the admission configuration's defaults and exemptions, the kube-apiserver's admission plugin
flags, validating webhook configurations, and the workload units (see workloads.go) for which
namespaces hold workloads.

	PASS            a Pod Security level enforced, or a validating webhook judging pod creation
	FAIL            neither (privileged, exempt, plugin off, or only warn and audit labels)
	NOT_EVALUATED   neither Pod Security level nor readable webhooks (not collected)
	NOT_APPLICABLE  kube-system, kube-public, kube-node-lease; a namespace without workloads
*/

package workload

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:       "KP-WL-028",
			Title:    "Every namespace with user workloads has an active policy control mechanism",
			Layer:    checks.Workload,
			Severity: checks.High,
			Description: "Without an admission control that refuses pods (Pod Security admission enforcing a " +
				"level, or an external policy engine), anyone who may create a pod in the namespace can " +
				"create a privileged one and take over its node.",
			Remediation: "Label the namespace pod-security.kubernetes.io/enforce=baseline (or restricted), " +
				"after checking with kubectl label --dry-run=server; or have a policy engine's validating " +
				"webhook judge pod creation in it.",
			References: checks.References{CIS: []string{"5.2.1"}},
		},
		Inputs:   append([]snapshot.Resource{snapshot.ResNamespaces}, inputs...),
		Reads:    []snapshot.Resource{snapshot.ResValidatingWebhookConfigurations},
		Evaluate: policyMechanism,
	})
}

// systemNamespaces hold the cluster's own components, not user workloads.
var systemNamespaces = []string{"kube-system", "kube-public", "kube-node-lease"}

func policyMechanism(s *snapshot.Snapshot) []checks.Result {
	ps := namespacePolicies(s)
	off := podSecurityDisabled(s)
	hooks := podWebhooks(s)
	hooksRead := false
	if c, ok := s.Status(snapshot.ResValidatingWebhookConfigurations); ok {
		hooksRead = c.State == snapshot.Collected
	}
	workloads := map[string]int{}
	for _, u := range units(s) {
		workloads[u.res.Namespace]++
	}
	out := make([]checks.Result, 0, len(s.Namespaces))
	for i := range s.Namespaces {
		ns := &s.Namespaces[i]
		r := checks.Result{Resource: checks.Resource{Kind: "Namespace", Name: ns.Name}, Evidence: checks.Evidence{
			Where:    fmt.Sprintf("Namespace/%s metadata.labels; defaults: %s; validating webhooks", ns.Name, ps.defaultsSource()),
			Expected: "Pod Security admission enforcing baseline or restricted, or a validating webhook judging pod creation",
		}}
		switch {
		case slices.Contains(systemNamespaces, ns.Name):
			r.Status, r.Reason = checks.NotApplicable, "a namespace of the cluster's own components: CIS 5.2.1 asks about namespaces with user workloads"
			out = append(out, r)
			continue
		case workloads[ns.Name] == 0:
			r.Status, r.Reason = checks.NotApplicable, "no workload (no controller, no pod): CIS 5.2.1 asks about namespaces with user workloads"
			out = append(out, r)
			continue
		}
		np := ps.of(ns.Name)
		lv := np.policy.Enforce
		psa := refusesNothing(off, np)
		names := hooks.judging(ns)
		switch {
		case psa == "":
			r.Status = checks.Pass
			r.Evidence.Observed = fmt.Sprintf("Pod Security admission enforces %s (%s)", lv, np.describe("enforce", lv))
			if np.errs != nil {
				r.Evidence.Observed += fmt.Sprintf(" [a label it cannot read: %v; it enforces restricted]", np.errs.ToAggregate())
			}
		case len(names) > 0:
			r.Status = checks.Pass
			r.Evidence.Observed = fmt.Sprintf("validating webhook %s judges pod creation here; Pod Security admission: %s", strings.Join(names, ", "), psa)
		case !hooksRead:
			r.Status = checks.NotEvaluated
			r.Reason = fmt.Sprintf("Pod Security admission refuses nothing here (%s), and the validating webhook configurations were not collected: an external policy engine cannot be ruled out", psa)
		default:
			r.Status, r.Evidence.Observed = checks.Fail, psa+"; no validating webhook judges pod creation here"
		}
		out = append(out, r)
	}
	return out
}
