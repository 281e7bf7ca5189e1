package workload

import (
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/pod-security-admission/policy"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

// podRule is a control that judges each pod spec of a workload for one framework item (a CIS
// 5.2 recommendation, an NSA/CISA area), exactly as the item's text asks, where the Pod
// Security levels (KP-WL-001, KP-WL-002) fold several items into one verdict and ask for
// something else on some (5.2.7 accepts a non-zero runAsUser, the restricted level does not).
//
// Each rule lives in its own file, with a doc comment giving the item's text, its source, the
// fields read, the values allowed and where kube-bench or kubescape decide otherwise; podRules
// lists them. judge runs once per distinct pod spec of a run, with the Pod Security levels, in
// the run's shared evaluation (specVerdicts): a rule costs a step through it per object, not a
// walk of the spec.
type podRule struct {
	ID          string
	Title       string
	Severity    checks.Severity
	Description string
	Remediation string
	References  checks.References
	// OK describes a compliant object in the evidence; Expected is Evidence.Expected.
	OK       string
	Expected string
	// judge grades one pod spec: Fail (or Warn) with the reason, Pass with "" or with a note.
	// It may read only fields the Pod Security key keeps (pss_cache.go): specs that share a
	// key share its verdict.
	judge grade
}

// podRules are the rules in the order of their verdicts in specVerdicts.items.
var podRules = [...]*podRule{
	&privilegedContainers, &hostPIDRule, &hostIPCRule, &hostNetworkRule, &privilegeEscalation,
	&rootContainers, &netRawCapability, &assignedCapabilities, &windowsHostProcess,
	&hostPathVolumes, &hostPortsRule, &seccompRuntimeDefault, &hostPIDOrIPC, &nonRootUserAndGroup,
}

func init() {
	for i := range podRules {
		checks.Register(podRules[i].check(i))
	}
}

// check is rule r, the i-th of podRules, as a check: it judges every workload unit, reading
// each object's verdict from the run's shared evaluation.
func (r *podRule) check(i int) checks.Check {
	return checks.Check{
		Control: checks.Control{
			ID:          r.ID,
			Title:       r.Title,
			Layer:       checks.Workload,
			Severity:    r.Severity,
			Description: r.Description,
			Remediation: r.Remediation,
			References:  r.References,
		},
		Inputs: inputs,
		Evaluate: func(s *snapshot.Snapshot) []checks.Result {
			return evaluateVerdicts(s, func(v *specVerdicts) (checks.Status, string) {
				return v.items[i].status, v.items[i].msg
			}, r.OK, r.Expected)
		},
	}
}

// itemVerdict is a rule's grade of one pod spec.
type itemVerdict struct {
	status checks.Status
	msg    string
}

// pssCheckGrade is the grade of the Pod Security check id at the latest policy version, when
// the check is exactly the item (5.2.2 is the privileged check, 5.2.11 the hostPathVolumes
// one): the upstream code decides, and its detail is the evidence ("container \"app\" must not
// set securityContext.privileged=true").
func pssCheckGrade(id policy.CheckID) grade {
	var fn policy.CheckPodFn
	for _, c := range pssChecks {
		if c.ID == id {
			fn = c.Versions[len(c.Versions)-1].CheckPod
		}
	}
	if fn == nil {
		panic("pod-security-admission has no check " + string(id))
	}
	return func(meta *metav1.ObjectMeta, spec *corev1.PodSpec) (checks.Status, string) {
		r := fn(meta, spec)
		switch {
		case r.Allowed:
			return checks.Pass, ""
		case r.ForbiddenDetail != "":
			return checks.Fail, r.ForbiddenDetail
		}
		return checks.Fail, r.ForbiddenReason
	}
}

// isWindows reports whether the pod declares a Windows OS, as Pod Security reads it
// (spec.os.name): the Linux security fields do not apply to it and the API rejects them.
func isWindows(spec *corev1.PodSpec) bool {
	return spec.OS != nil && spec.OS.Name == corev1.Windows
}

// containerFindings gathers messages about containers ("container \"app\" ...") into one
// grade, the worst status first found kept.
type containerFindings struct {
	b      strings.Builder
	status checks.Status
}

func (f *containerFindings) add(st checks.Status, kind string, c *corev1.Container, msg string) {
	if f.b.Len() > 0 {
		f.b.WriteString("; ")
	}
	f.b.WriteString(kind)
	f.b.WriteString(` "`)
	f.b.WriteString(c.Name)
	f.b.WriteString(`" `)
	f.b.WriteString(msg)
	if f.status == "" {
		f.status = st
	} else {
		f.status = worse(f.status, st)
	}
}

func (f *containerFindings) grade() (checks.Status, string) {
	if f.b.Len() == 0 {
		return checks.Pass, ""
	}
	return f.status, f.b.String()
}
