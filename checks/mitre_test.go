package checks_test

import (
	"slices"
	"testing"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

func TestMITRESelection(t *testing.T) {
	mk := func(id string, r checks.References) checks.Check {
		return checks.Check{Control: checks.Control{ID: id, Title: id, Layer: checks.Workload, Severity: checks.High,
			Description: "d", Remediation: "r", References: r}, Evaluate: func(*snapshot.Snapshot) []checks.Result { return nil }}
	}
	all := []checks.Check{
		mk("A", checks.References{CIS: []string{"5.2.2"}, MITRE: []string{"T1611"}}),
		mk("B", checks.References{MITRE: []string{"T1610"}}),
		mk("C", checks.References{CIS: []string{"5.2.3"}}),
	}
	for _, tc := range []struct {
		name string
		sel  checks.Selection
		want []string
	}{
		{"framework mitre", checks.Selection{Frameworks: []checks.Framework{checks.MITRE}}, []string{"A", "B"}},
		{"technique", checks.Selection{Controls: []string{"T1611"}}, []string{"A"}},
		{"technique within cis", checks.Selection{Frameworks: []checks.Framework{checks.CIS}, Controls: []string{"T1611"}}, []string{"A"}},
	} {
		got, err := tc.sel.Select(all)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		var ids []string
		for _, c := range got {
			ids = append(ids, c.ID)
		}
		if !slices.Equal(ids, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, ids, tc.want)
		}
	}
	if _, err := checks.ParseFramework("MITRE"); err != nil {
		t.Errorf("ParseFramework(MITRE): %v", err)
	}
}

// A result that decides fewer CIS items than its control still mitigates the control's
// techniques: selecting by a technique keeps it.
func TestMITRETechniqueKeepsNarrowResults(t *testing.T) {
	c := checks.Check{Control: checks.Control{ID: "A", Title: "A", Layer: checks.Workload, Severity: checks.High,
		Description: "d", Remediation: "r", References: checks.References{CIS: []string{"5.2.2", "5.2.3"}, MITRE: []string{"T1611"}}},
		Evaluate: func(*snapshot.Snapshot) []checks.Result {
			return []checks.Result{{Status: checks.Fail, Resource: checks.Resource{Kind: "Pod", Name: "p"},
				References: &checks.References{CIS: []string{"5.2.3"}}}}
		}}
	sel := checks.Selection{Controls: []string{"T1611"}}
	rep := checks.Run(snapshot.New(), []checks.Check{c}, sel)
	if len(rep.Controls) != 1 || len(rep.Controls[0].Results) != 1 {
		t.Fatalf("selecting T1611 dropped the result: %+v", rep.Controls)
	}
}

func TestRegisterRefusesMITRELiterals(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Register accepted a control that sets References.MITRE itself")
		}
	}()
	checks.Register(checks.Check{Control: checks.Control{ID: "TEST-MITRE-1", Title: "t", Layer: checks.Workload, Severity: checks.Low,
		Description: "d", Remediation: "r", References: checks.References{MITRE: []string{"T1611"}}},
		Evaluate: func(*snapshot.Snapshot) []checks.Result { return nil }})
}
