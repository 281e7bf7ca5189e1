package controlplane

import (
	"strings"
	"testing"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func TestAuditPolicySecrets(t *testing.T) {
	secrets := []snapshot.AuditGroupResources{{Group: "", Resources: []string{"secrets"}}}
	meta := snapshot.AuditPolicyRule{Level: "Metadata", Resources: secrets}
	withFlag := []string{"--audit-policy-file=/etc/kubernetes/audit.yaml"}
	for _, tc := range []struct {
		name     string
		args     []string
		rules    []snapshot.AuditPolicyRule
		noFile   bool
		want     checks.Status
		observed string
	}{
		{name: "no flag", noFile: true, want: checks.Fail, observed: "nothing is audited"},
		{name: "flag without file", args: withFlag, noFile: true, want: checks.NotEvaluated},
		{name: "metadata for secrets", args: withFlag, rules: []snapshot.AuditPolicyRule{meta}, want: checks.Pass, observed: "rules[0]"},
		{name: "catch-all metadata", args: withFlag, rules: []snapshot.AuditPolicyRule{{Level: "Metadata"}}, want: checks.Pass},
		{name: "None first for everything", args: withFlag, rules: []snapshot.AuditPolicyRule{{Level: "None"}, meta}, want: checks.Fail, observed: "rules[0] sends every request"},
		{name: "narrow None first", args: withFlag, rules: []snapshot.AuditPolicyRule{{Level: "None", Users: []string{"system:kube-controller-manager"}, Resources: secrets}, meta}, want: checks.Warn, observed: "some requests"},
		{name: "None for another resource", args: withFlag, rules: []snapshot.AuditPolicyRule{{Level: "None", Resources: []snapshot.AuditGroupResources{{Resources: []string{"endpoints"}}}}, meta}, want: checks.Pass},
		{name: "RequestResponse logs values", args: withFlag, rules: []snapshot.AuditPolicyRule{{Level: "RequestResponse", Resources: secrets}}, want: checks.Warn, observed: "values"},
		{name: "only some verbs", args: withFlag, rules: []snapshot.AuditPolicyRule{{Level: "Metadata", Verbs: []string{"delete"}, Resources: secrets}}, want: checks.Fail, observed: "no rule matches every request"},
		{name: "by name only", args: withFlag, rules: []snapshot.AuditPolicyRule{{Level: "Metadata", Resources: []snapshot.AuditGroupResources{{Resources: []string{"secrets"}, ResourceNames: []string{"a"}}}}}, want: checks.Fail},
		{name: "other group", args: withFlag, rules: []snapshot.AuditPolicyRule{{Level: "Metadata", Resources: []snapshot.AuditGroupResources{{Group: "apps", Resources: []string{"secrets"}}}}}, want: checks.Fail},
		{name: "non-resource rule does not cover", args: withFlag, rules: []snapshot.AuditPolicyRule{{Level: "Metadata", NonResourceURLs: []string{"/*"}}}, want: checks.Fail},
		{name: "empty policy", args: withFlag, rules: nil, want: checks.Fail},
		{name: "secrets/* covers secrets", args: withFlag, rules: []snapshot.AuditPolicyRule{{Level: "Metadata", Resources: []snapshot.AuditGroupResources{{Resources: []string{"secrets/*"}}}}}, want: checks.Pass},
	} {
		t.Run(tc.name, func(t *testing.T) {
			snap := apiserverSnap(tc.args)
			if !tc.noFile {
				snap.Files = &snapshot.ControlPlaneFiles{AuditPolicy: &snapshot.AuditPolicy{Path: "audit.yaml", Rules: tc.rules}}
			}
			rs := auditPolicySecrets(snap)
			if len(rs) != 1 || rs[0].Status != tc.want || !strings.Contains(rs[0].Evidence.Observed, tc.observed) {
				t.Fatalf("got %+v, want one %s observing %q", rs, tc.want, tc.observed)
			}
		})
	}
}
