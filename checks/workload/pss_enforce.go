/*
KP-WL-004: workloads are allowed by their own namespace's Pod Security enforce policy.

Source: the PodSecurity admission plugin (k8s.io/pod-security-admission/admission), which
judges a pod only when it is created, at the namespace's enforce level and enforce-version
(labels pod-security.kubernetes.io/enforce and enforce-version, over the cluster defaults of
the admission configuration; api.PolicyToEvaluate). A label applied later is not applied to
running pods: the plugin only warns once, when the label changes. So a pod can run in
violation of its namespace's policy, and a workload whose template violates it cannot create
new pods: its next rollout, scale-up or eviction fails. The Pod Security Standards, Kubernetes
documentation "Pod Security Admission"; issue 5 ("at the namespace's own enforce level and
version"). It claims no framework item: CIS 5.2.1 asks whether a mechanism is in place
(KP-WL-028), not whether the pods meet it.

Unit: each top-level workload (see workloads.go), template and pods, evaluated with
k8s.io/pod-security-admission/policy at the namespace's enforce level and version, exactly as
admission would evaluate a create: namespaces exempted by the admission configuration and pods
whose runtimeClassName it exempts are allowed; invalid labels are judged as the plugin judges
them (an unreadable enforce level is restricted). Fields read: as KP-WL-001 and KP-WL-002,
plus spec.runtimeClassName, the namespace's labels and the admission configuration
(--admission-config).

Allowed values: every object allowed by its namespace's enforce policy. A namespace whose
policy is privileged allows everything; whether that is acceptable is KP-WL-005's question.
*/

package workload

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/pod-security-admission/api"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:       "KP-WL-004",
			Title:    "Workloads are allowed by their namespace's Pod Security enforce level",
			Layer:    checks.Workload,
			Severity: checks.Medium,
			Description: "Admission judges a pod only when it is created. Pods that predate their " +
				"namespace's enforce label keep running in violation of it, and a workload whose " +
				"template violates it can no longer create pods: its next rollout, scale-up or " +
				"eviction fails.",
			Remediation: "Fix the fields named in the evidence in the pod template and roll the " +
				"workload out again, or, if the workload needs them, move it to a namespace whose " +
				"enforce level allows it. Check before labelling a namespace with " +
				"kubectl label --dry-run=server ns NAME pod-security.kubernetes.io/enforce=LEVEL.",
		},
		Inputs:   append([]snapshot.Resource{snapshot.ResNamespaces}, inputs...),
		Evaluate: pssEnforce,
	})
}

func pssEnforce(s *snapshot.Snapshot) []checks.Result {
	ps := namespacePolicies(s)
	caches := map[api.LevelVersion]*pssCache{}
	us := units(s)
	out := make([]checks.Result, 0, len(us))
	for i := range us {
		u := &us[i]
		np := ps.of(u.res.Namespace)
		lv := np.policy.Enforce
		where := fmt.Sprintf("Namespace/%s labels (%s)", u.res.Namespace, np.describe("enforce", lv))
		switch {
		case np.exempt:
			out = append(out, checks.Result{Status: checks.Pass, Resource: u.res, Evidence: checks.Evidence{
				Where:    ps.defaultsSource() + " exemptions.namespaces",
				Observed: "namespace exempt from PodSecurity admission: nothing in it is judged (see KP-WL-007)",
				Expected: "allowed by the namespace's enforce policy"}})
			continue
		case lv.Level == api.LevelPrivileged:
			out = append(out, checks.Result{Status: checks.Pass, Resource: u.res, Evidence: checks.Evidence{
				Where:    where,
				Observed: "enforce privileged: everything is allowed (see KP-WL-005)",
				Expected: "allowed by the namespace's enforce policy"}})
			continue
		}
		c := caches[lv]
		if c == nil {
			c = newRunPSSCache(s, lv)
			caches[lv] = c
		}
		j := func(meta *metav1.ObjectMeta, spec *corev1.PodSpec) string {
			if ps.runtimeClassExempt(spec.RuntimeClassName) {
				return ""
			}
			return c.judge(meta, spec)
		}
		r := u.verdict(j, "allowed", fmt.Sprintf("allowed by PodSecurity enforce %s (%s)", lv, where))
		if np.errs != nil {
			r.Evidence.Observed += fmt.Sprintf(" [invalid labels, judged as the plugin does: %v]", np.errs.ToAggregate())
		}
		out = append(out, r)
	}
	return out
}
