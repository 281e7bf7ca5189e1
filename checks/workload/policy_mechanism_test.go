package workload

import (
	"testing"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/internal/componentflags"
	"github.com/kubeposture/kubeposture/snapshot"
)

// TestPolicyMechanism holds KP-WL-028 to CIS 5.2.1: Pod Security admission enforcing a level,
// or an external engine's webhook, in every namespace that holds user workloads.
func TestPolicyMechanism(t *testing.T) {
	hook := admissionregistrationv1.ValidatingWebhookConfiguration{
		ObjectMeta: metav1.ObjectMeta{Name: "gatekeeper-validating-webhook-configuration"},
		Webhooks: []admissionregistrationv1.ValidatingWebhook{{Name: "validation.gatekeeper.sh",
			NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"policy": "on"}},
			Rules: []admissionregistrationv1.RuleWithOperations{{
				Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.OperationAll},
				Rule:       admissionregistrationv1.Rule{APIGroups: []string{"*"}, Resources: []string{"*"}}}}}},
	}
	ns := func(name string) checks.Resource { return checks.Resource{Kind: "Namespace", Name: name} }
	withWorkload := func(s *snapshot.Snapshot, name string, kv ...string) {
		namespace(s, name, kv...)
		s.Pods = append(s.Pods, pod(name, "p", nil, restrictedSpec()))
	}
	tests := []struct {
		name  string
		build func(s *snapshot.Snapshot)
		want  []want
	}{
		{
			name: "labels",
			build: func(s *snapshot.Snapshot) {
				withWorkload(s, "none")
				withWorkload(s, "priv", enforce, "privileged")
				withWorkload(s, "warnonly", warnLabel, "restricted")
				withWorkload(s, "base", enforce, "baseline")
				withWorkload(s, "typo", enforce, "Restricted")
				namespace(s, "empty")
				withWorkload(s, "kube-system")
				addCronJob(s, "batch", "report", restrictedSpec()) // no pod running: still a workload
				namespace(s, "batch")
			},
			want: []want{
				{res: ns("none"), status: checks.Fail, observed: []string{"enforce unlabelled (default privileged)", "no validating webhook"}},
				{res: ns("priv"), status: checks.Fail, observed: []string{"enforce=privileged"}},
				{res: ns("warnonly"), status: checks.Fail, observed: []string{"reported, not refused"}},
				{res: ns("base"), status: checks.Pass, observed: []string{"enforces baseline:latest"}},
				{res: ns("typo"), status: checks.Pass, observed: []string{"enforces restricted", "cannot read"}},
				{res: ns("empty"), status: checks.NotApplicable},
				{res: ns("kube-system"), status: checks.NotApplicable},
				{res: ns("batch"), status: checks.Fail},
			},
		},
		{
			name: "an external engine's webhook is a mechanism in place, where its selector matches",
			build: func(s *snapshot.Snapshot) {
				s.ValidatingWebhookConfigurations = append(s.ValidatingWebhookConfigurations, hook)
				withWorkload(s, "apps", "policy", "on")
				withWorkload(s, "other")
			},
			want: []want{
				{res: ns("apps"), status: checks.Pass, observed: []string{"validation.gatekeeper.sh judges pod creation"}},
				{res: ns("other"), status: checks.Fail},
			},
		},
		{
			name: "webhooks not collected: no verdict where Pod Security enforces nothing",
			build: func(s *snapshot.Snapshot) {
				s.Resources[snapshot.ResValidatingWebhookConfigurations] = snapshot.Collection{State: snapshot.Forbidden}
				withWorkload(s, "apps")
				withWorkload(s, "base", enforce, "baseline")
			},
			want: []want{
				{res: ns("apps"), status: checks.NotEvaluated},
				{res: ns("base"), status: checks.Pass},
			},
		},
		{
			name: "plugin off or namespace exempt: labels refuse nothing",
			build: func(s *snapshot.Snapshot) {
				withPSA(&snapshot.PodSecurityConfig{Defaults: privilegedDefaults(), Exemptions: snapshot.PodSecurityExemptions{Namespaces: []string{"legacy"}}})(s)
				withWorkload(s, "legacy", enforce, "restricted")
			},
			want: []want{{res: ns("legacy"), status: checks.Fail, observed: []string{"exempt"}}},
		},
		{
			name: "plugin disabled",
			build: func(s *snapshot.Snapshot) {
				s.ControlPlane = append(s.ControlPlane, snapshot.Component{Name: "kube-apiserver", Namespace: "kube-system", Pod: "kube-apiserver-cp1",
					Flags: componentflags.Parse([]string{"kube-apiserver"}, []string{"--disable-admission-plugins=PodSecurity"}, componentflags.BoolFlags("kube-apiserver"))})
				withWorkload(s, "restr", enforce, "restricted")
			},
			want: []want{{res: ns("restr"), status: checks.Fail, observed: []string{"PodSecurity admission plugin is off"}}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := collected()
			s.Resources[snapshot.ResValidatingWebhookConfigurations] = snapshot.Collection{State: snapshot.Collected}
			tc.build(s)
			expect(t, policyMechanism(s), tc.want)
		})
	}
}

// TestResourceLimits: C-0270 and C-0271 each ask for one limit, judged by KP-WL-023's rules.
func TestResourceLimits(t *testing.T) {
	p := res("Pod", "a", "p")
	cpuOnly := withResources(corev1.ResourceRequirements{Limits: rl("cpu", "1")})
	for _, tc := range []struct {
		name     string
		spec     corev1.PodSpec
		cpu, mem want
	}{
		{"cpu limit only", cpuOnly, want{res: p, status: checks.Pass}, want{res: p, status: checks.Fail, observed: []string{`container "app" has no limits.memory`}}},
		{"requests are not limits", withResources(corev1.ResourceRequirements{Requests: rl("cpu", "1", "memory", "1Gi")}),
			want{res: p, status: checks.Fail, observed: []string{"has no limits.cpu"}}, want{res: p, status: checks.Fail}},
		{"limits without requests pass both", withResources(limitsOnly), want{res: p, status: checks.Pass}, want{res: p, status: checks.Pass}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := collected()
			s.Pods = append(s.Pods, pod("a", "p", nil, tc.spec))
			for i, w := range []want{tc.cpu, tc.mem} {
				expect(t, resourceLimits[i].check().Evaluate(s), []want{w})
			}
		})
	}
}
