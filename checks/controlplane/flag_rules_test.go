package controlplane

import (
	"slices"
	"strings"
	"testing"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/internal/componentflags"
)

// runFlagTable runs each row's cases on one instance of the table's component, through the
// check registered for the row. Every row must have cases, with a PASS and a FAIL among them
// unless the row leaves the verdict to a person; every case must belong to a row.
func runFlagTable(t *testing.T, table flagTable, cases map[string][]cpCase) {
	t.Helper()
	for _, r := range table.Rules {
		t.Run(r.ID, func(t *testing.T) {
			cs := cases[r.ID]
			statuses := map[checks.Status]bool{}
			for _, c := range cs {
				statuses[c.want] = true
			}
			if _, manual := r.Rule.(asAppropriate); manual {
				if len(cs) == 0 {
					t.Fatal("no case")
				}
			} else if !statuses[checks.Pass] || !statuses[checks.Fail] {
				t.Fatalf("the cases must include a PASS and a FAIL: got %v", statuses)
			}
			runComponentCases(t, table.Component, registered(t, r.ID).Evaluate, cs)
		})
	}
	for id := range cases {
		if !slices.ContainsFunc(table.Rules, func(r flagRule) bool { return r.ID == id }) {
			t.Errorf("cases for %s, which is not a row of the %s table", id, table.Component)
		}
	}
}

// TestFlagRulesRegistered: each row is registered as itself, on the control-plane layer,
// reading the control-plane pods.
func TestFlagRulesRegistered(t *testing.T) {
	for _, table := range flagTables {
		for _, r := range table.Rules {
			c := registered(t, r.ID)
			want := checks.Control{
				ID: r.ID, Title: r.Title, Layer: checks.ControlPlane, Severity: r.Severity,
				Description: r.Description, Remediation: r.Remediation,
				References: checks.References{CIS: strings.Fields(r.CIS), NSA: nsaAreas[r.ID]},
			}
			if c.ID != want.ID || c.Title != want.Title || c.Layer != want.Layer || c.Severity != want.Severity ||
				c.Description != want.Description || c.Remediation != want.Remediation ||
				!slices.Equal(c.References.CIS, want.References.CIS) || !slices.Equal(c.References.NSA, want.References.NSA) {
				t.Errorf("%s: registered %+v, want %+v", r.ID, c.Control, want)
			}
			if !readsComponents(c) {
				t.Errorf("%s: inputs %v, any of %v", r.ID, c.Inputs, c.AnyInputs)
			}
		}
	}
}

// manifests are the kubeadm manifests the remediations point to, per component.
var manifests = map[string]string{
	apiserver: manifestAPIServer, etcd: manifestEtcd, controllerManager: manifestKCM, scheduler: manifestScheduler,
}

// TestFlagRuleProvenance: every row says where its default comes from and what passes, its
// remediation names its own component's manifest, and the Default it states is the one its
// rule judges an absent flag by (componentflags' specs, the default-on admission plugins,
// the gates featureGate serves).
func TestFlagRuleProvenance(t *testing.T) {
	for _, table := range flagTables {
		for _, r := range table.Rules {
			if r.ID == "" || r.Source == "" || r.Allowed == "" {
				t.Errorf("%s: id, Source and Allowed are required: %+v", r.ID, r)
			}
			if !strings.Contains(r.Remediation, manifests[table.Component]) {
				t.Errorf("%s: remediation %q does not name %s", r.ID, r.Remediation, manifests[table.Component])
			}
			specDefault := func(flag string) {
				if d := componentflags.SpecOf(table.Component, flag).Default; d != r.Default {
					t.Errorf("%s: Default %q, but --%s of %s is read with default %q", r.ID, r.Default, flag, table.Component, d)
				}
			}
			switch rule := r.Rule.(type) {
			case isBool:
				specDefault(rule.Flag)
			case auditRotation:
				specDefault(rule.Flag)
			case loopback:
				specDefault(rule.Flag)
			case asAppropriate:
				specDefault(rule.Flag)
			case positiveInt:
				specDefault(rule.Flag)
			case notSet:
				specDefault(rule.Flag)
			case flagsSet:
				for _, f := range rule.Flags {
					specDefault(f)
				}
			case admissionPlugin:
				want := "off"
				if slices.Contains(componentflags.DefaultOnAdmissionPlugins, rule.Name) {
					want = "on"
				}
				if r.Default != want {
					t.Errorf("%s: Default %q, but %s is default-%s", r.ID, r.Default, rule.Name, want)
				}
			case featureGate:
				if r.Default != "true" {
					t.Errorf("%s: Default %q, but featureGate judges an absent gate as true", r.ID, r.Default)
				}
			default:
				t.Errorf("%s: rule %T has no provenance check", r.ID, r.Rule)
			}
		}
	}
}
