/*
KP-WL-005: every namespace enforces a Pod Security Standard.

Source: Kubernetes documentation, "Pod Security Admission" and "Enforce Pod Security Standards
by configuring the built-in admission controller". Stronger than CIS 5.2.1 ("at least one active
policy control mechanism" for every namespace with user workloads), which KP-WL-028 decides:
this control judges every namespace, empty ones included, asks for a Pod Security level rather
than any mechanism, and only warns where an external engine may enforce; it claims no framework
item. The effective policy
is what the PodSecurity admission plugin computes (api.PolicyToEvaluate): the namespace's labels
over the admission configuration's defaults (--admission-config), whose built-in value is
privileged.

Unit: each Namespace. Fields read: metadata.labels pod-security.kubernetes.io/{enforce,
enforce-version, warn, audit}; the admission configuration's defaults and exemptions; the
kube-apiserver's admission plugin flags (the PodSecurity plugin can be disabled); validating
webhooks that judge pod creation in the namespace (namespaceSelector matched against its labels),
which is how external policy engines (Kyverno, Gatekeeper, Kubewarden) enforce.

Allowed values: an effective enforce level of baseline or restricted, from a label or from the
cluster defaults, in a namespace the configuration does not exempt, with the plugin on.
  - privileged (label or default), exempt, or plugin off: FAIL; WARN instead when a validating
    webhook judges the namespace's pod creations (an external engine may enforce: verify its
    policies), or for kube-system, whose node agents usually need privileges (keep workloads
    out of it).
  - warn or audit at a stricter level without enforce: FAIL, the evidence saying violations are
    reported, not refused.
  - an enforce label the plugin cannot read: WARN (the plugin fails closed to restricted for
    pods, but the label is a mistake and the namespace cannot be updated until it is fixed).
*/

package workload

import (
	"fmt"
	"sort"
	"strings"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/pod-security-admission/api"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/internal/componentflags"
	"github.com/kubeposture/kubeposture/snapshot"
)

func init() {
	checks.Register(checks.Check{
		Control: checks.Control{
			ID:       "KP-WL-005",
			Title:    "Namespaces enforce a Pod Security Standard",
			Layer:    checks.Workload,
			Severity: checks.High,
			Description: "Without an enforced Pod Security level, anyone who can create a pod in the " +
				"namespace can create a privileged one and take over its node. warn and audit " +
				"labels report violations but admit them.",
			Remediation: "Label each namespace with the strictest level its workloads meet: " +
				"kubectl label ns NAME pod-security.kubernetes.io/enforce=restricted (or baseline); " +
				"check first with --dry-run=server, which lists the pods that would be refused. " +
				"Or set enforce: baseline in the PodSecurity defaults of the API server's admission " +
				"configuration, and label only the exceptions.",
		},
		Inputs:   []snapshot.Resource{snapshot.ResNamespaces},
		Reads:    []snapshot.Resource{snapshot.ResValidatingWebhookConfigurations},
		Evaluate: namespaceEnforced,
	})
}

func namespaceEnforced(s *snapshot.Snapshot) []checks.Result {
	ps := namespacePolicies(s)
	off := podSecurityDisabled(s)
	hooks := podWebhooks(s)
	out := make([]checks.Result, 0, len(s.Namespaces))
	for i := range s.Namespaces {
		ns := &s.Namespaces[i]
		np := ps.of(ns.Name)
		lv := np.policy.Enforce
		r := checks.Result{Resource: checks.Resource{Kind: "Namespace", Name: ns.Name}, Evidence: checks.Evidence{
			Where:    fmt.Sprintf("Namespace/%s metadata.labels; defaults: %s", ns.Name, ps.defaultsSource()),
			Expected: "pod-security.kubernetes.io/enforce=baseline or restricted (label or cluster default)",
		}}
		problem := refusesNothing(off, np)
		_, labelled := np.labels[api.EnforceLevelLabel]
		switch {
		case problem != "":
		case labelled && np.errs != nil && !validLevel(np.labels[api.EnforceLevelLabel]):
			r.Status = checks.Warn
			r.Evidence.Observed = fmt.Sprintf("%s: the plugin cannot read it (%v) and judges pods at restricted", np.describe("enforce", lv), np.errs.ToAggregate())
			out = append(out, r)
			continue
		default:
			r.Status = checks.Pass
			r.Evidence.Observed = fmt.Sprintf("enforce %s (%s)", lv, np.describe("enforce", lv))
			out = append(out, r)
			continue
		}
		r.Status, r.Evidence.Observed = checks.Fail, problem
		if names := hooks.judging(ns); len(names) > 0 {
			r.Status = checks.Warn
			r.Evidence.Observed += fmt.Sprintf("; validating webhook %s judges pod creation here: verify its policies cover the Pod Security Standards", strings.Join(names, ", "))
		} else if ns.Name == "kube-system" {
			r.Status = checks.Warn
			r.Evidence.Observed += "; kube-system: node agents usually need privileges here, keep other workloads out"
		}
		out = append(out, r)
	}
	return out
}

func validLevel(s string) bool {
	l := api.Level(s)
	return l.Valid()
}

// refusesNothing says why Pod Security admission refuses no pod in the namespace of policy np
// (off, the plugin's state from podSecurityDisabled: the plugin is off, the namespace is exempt,
// or it enforces privileged), or "" when it enforces a level there.
func refusesNothing(off string, np *nsPolicy) string {
	lv := np.policy.Enforce
	switch {
	case off != "":
		return off
	case np.exempt:
		return "exempt from PodSecurity admission by the admission configuration's exemptions.namespaces"
	case lv.Level == api.LevelPrivileged:
		problem := fmt.Sprintf("enforce privileged (%s)", np.describe("enforce", lv))
		if reported := reportOnly(np); reported != "" {
			problem += "; " + reported + ": violations are reported, not refused"
		}
		return problem
	}
	return ""
}

// reportOnly names the warn and audit modes set stricter than privileged, or "".
func reportOnly(np *nsPolicy) string {
	var modes []string
	if np.policy.Warn.Level != api.LevelPrivileged {
		modes = append(modes, "warn "+np.policy.Warn.String())
	}
	if np.policy.Audit.Level != api.LevelPrivileged {
		modes = append(modes, "audit "+np.policy.Audit.String())
	}
	return strings.Join(modes, ", ")
}

// podSecurityDisabled says which kube-apiservers run without the PodSecurity plugin, or "" when
// every one seen runs it (or none is visible: KP-CP-051 reports that).
func podSecurityDisabled(s *snapshot.Snapshot) string {
	var off []string
	for _, c := range s.Components("kube-apiserver") {
		if !componentflags.EffectiveAdmission(c).Has("PodSecurity") {
			off = append(off, c.Namespace+"/"+c.Pod)
		}
	}
	if len(off) == 0 {
		return ""
	}
	return "the PodSecurity admission plugin is off on kube-apiserver " + strings.Join(off, ", ") + ": labels are not enforced (see KP-CP-051)"
}

// webhookSet holds the validating webhooks that judge pod creation.
type webhookSet []podWebhook

type podWebhook struct {
	name     string
	selector labels.Selector
}

// podWebhooks lists the validating webhooks whose rules match CREATE of pods (or of every
// resource) in the core group.
func podWebhooks(s *snapshot.Snapshot) webhookSet {
	var set webhookSet
	for i := range s.ValidatingWebhookConfigurations {
		cfg := &s.ValidatingWebhookConfigurations[i]
		for j := range cfg.Webhooks {
			w := &cfg.Webhooks[j]
			if !judgesPodCreate(w.Rules) {
				continue
			}
			sel := labels.Everything()
			if w.NamespaceSelector != nil {
				var err error
				if sel, err = metav1.LabelSelectorAsSelector(w.NamespaceSelector); err != nil {
					continue // the API server refuses such a selector: the webhook judges nothing
				}
			}
			set = append(set, podWebhook{name: cfg.Name + "/" + w.Name, selector: sel})
		}
	}
	return set
}

func judgesPodCreate(rules []admissionregistrationv1.RuleWithOperations) bool {
	for _, r := range rules {
		op := false
		for _, o := range r.Operations {
			if o == admissionregistrationv1.Create || o == admissionregistrationv1.OperationAll {
				op = true
			}
		}
		group, res := false, false
		for _, g := range r.APIGroups {
			group = group || g == "" || g == "*"
		}
		for _, x := range r.Resources {
			res = res || x == "pods" || x == "*" || x == "*/*"
		}
		if op && group && res {
			return true
		}
	}
	return false
}

// judging names the webhooks whose namespaceSelector matches ns.
func (ws webhookSet) judging(ns *corev1.Namespace) []string {
	var names []string
	set := labels.Set(ns.Labels)
	for _, w := range ws {
		if w.selector.Matches(set) {
			names = append(names, w.name)
		}
	}
	sort.Strings(names)
	return names
}
