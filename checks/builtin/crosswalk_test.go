package builtin_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

// The crosswalk: for every framework item a control references, a claim (claims_test.go) saying
// exactly what the control tests, with cases from the item's own audit text that the control
// must pass and fail. TestClaims runs the cases, TestEveryReferenceClaimed holds the registry
// and the table to each other, and TestCrosswalkDoc writes docs/crosswalk.md from the table.

var update = flag.Bool("update", false, "rewrite docs/crosswalk.md from the claims")

const crosswalkPath = "../../docs/crosswalk.md"

// claim is one framework item a control decides: what it tests, and its cases.
type claim struct {
	framework checks.Framework
	item      string // a CIS id, an NSA/CISA area, or a Pod Security level
	control   string
	tests     string
	cases     []fixture
	// noPass, when set, says why no case passes (the control cannot yet say PASS).
	noPass string
}

// fixture is one case: what the snapshot holds (described as the item's audit would see it),
// and the control's verdict on it, the worst of its results (checks.Aggregate).
type fixture struct {
	desc  string
	build func(s *snapshot.Snapshot)
	want  checks.Status
}

// as renders the case with another description.
func (f fixture) as(desc string) fixture { f.desc = desc; return f }

// passes, fails and gives set the verdict the case must get.
func (f fixture) passes() fixture                           { f.want = checks.Pass; return f }
func (f fixture) fails() fixture                            { f.want = checks.Fail; return f }
func (f fixture) gives(st checks.Status) fixture            { f.want = st; return f }
func cases(fs ...fixture) []fixture                         { return fs }
func build(desc string, b func(*snapshot.Snapshot)) fixture { return fixture{desc: desc, build: b} }

// base is a snapshot of a kubeadm cluster in which every input was collected and holds
// nothing: a fixture adds what its case is about.
func base() *snapshot.Snapshot {
	s := snapshot.New()
	s.Cluster = snapshot.Cluster{Version: "v1.34.1", Provider: snapshot.ProviderKubeadm}
	for _, r := range []snapshot.Resource{
		snapshot.ResNodes, snapshot.ResKubeletConfigs, snapshot.ResNamespaces, snapshot.ResPods,
		snapshot.ResDeployments, snapshot.ResStatefulSets, snapshot.ResDaemonSets, snapshot.ResReplicaSets,
		snapshot.ResJobs, snapshot.ResCronJobs, snapshot.ResServiceAccounts, snapshot.ResSecrets,
		snapshot.ResConfigMaps, snapshot.ResRoles, snapshot.ResClusterRoles, snapshot.ResRoleBindings,
		snapshot.ResClusterRoleBindings, snapshot.ResNetworkPolicies, snapshot.ResServices, snapshot.ResIngresses,
		snapshot.ResValidatingWebhookConfigurations, snapshot.ResMutatingWebhookConfigurations,
		snapshot.ResControlPlane, snapshot.ResNodeReports, snapshot.ResAPIGroups,
	} {
		s.Resources[r] = snapshot.Collection{State: snapshot.Collected}
	}
	return s
}

func registeredControl(t *testing.T, id string) *checks.Control {
	t.Helper()
	for _, c := range checks.Registered() {
		if c.ID == id {
			return &c.Control
		}
	}
	t.Fatalf("no control %s", id)
	return nil
}

// claimed reports whether control c references item of framework f.
func claimed(c *checks.Control, f checks.Framework, item string) bool {
	switch f {
	case checks.PSSBaseline, checks.PSSRestricted:
		return c.References.PSSLevel == item
	}
	return slices.Contains(c.References.Items(f), item)
}

// TestClaims runs every case of every claim through the engine, selecting the control by the
// item it claims (as `audit scan --control ITEM` does), and holds it to the case's verdict.
func TestClaims(t *testing.T) {
	for _, cl := range claims {
		t.Run(string(cl.framework)+"/"+cl.item+"/"+cl.control, func(t *testing.T) {
			c := registeredControl(t, cl.control)
			if !claimed(c, cl.framework, cl.item) {
				t.Fatalf("%s does not reference %s %s", cl.control, cl.framework, cl.item)
			}
			var pass, fail bool
			for _, f := range cl.cases {
				pass = pass || f.want == checks.Pass
				fail = fail || (f.want != checks.Pass && f.want != "")
				s := base()
				f.build(s)
				sel := checks.Selection{Controls: []string{cl.control}}
				if cl.framework == checks.CIS || cl.framework == checks.NSA {
					sel.Controls = []string{cl.item}
				}
				selected, err := sel.Select(checks.Registered())
				if err != nil {
					t.Fatal(err)
				}
				rep := checks.Run(s, selected, sel)
				var got *checks.ControlReport
				for i := range rep.Controls {
					if rep.Controls[i].ID == cl.control {
						got = &rep.Controls[i]
					}
				}
				switch {
				case got == nil:
					t.Errorf("%s: %s is not selected by %v", f.desc, cl.control, sel.Controls)
				case f.want == "":
					t.Errorf("%s: the case says no verdict", f.desc)
				case got.Status != f.want:
					t.Errorf("%s: %s, want %s; results:%s", f.desc, got.Status, f.want, describe(got.Results))
				}
			}
			if !pass && cl.noPass == "" {
				t.Error("no case passes (or say why none can, in noPass)")
			}
			if !fail {
				t.Error("no case fails")
			}
		})
	}
}

func describe(rs []checks.Result) string {
	var b strings.Builder
	for _, r := range rs {
		fmt.Fprintf(&b, "\n\t%s %s: %s%s", r.Status, r.Resource, r.Evidence.Observed, strings.TrimSpace(" "+r.Reason))
	}
	return b.String()
}

// TestEveryReferenceClaimed: each framework item a registered control references names a real
// item and has its claim, a claim names a reference, and each CIS recommendation is decided by
// one control at most: one result per resource per item.
func TestEveryReferenceClaimed(t *testing.T) {
	type key struct {
		f          checks.Framework
		item, ctrl string
	}
	have := map[key]bool{}
	for _, cl := range claims {
		k := key{cl.framework, cl.item, cl.control}
		if have[k] {
			t.Errorf("%s %s %s is claimed twice", cl.framework, cl.item, cl.control)
		}
		have[k] = true
		if strings.TrimSpace(cl.tests) == "" {
			t.Errorf("%s %s %s: the claim does not say what is tested", cl.framework, cl.item, cl.control)
		}
	}
	deciders := map[string][]string{}
	for _, c := range checks.Registered() {
		want := []key{}
		for _, f := range []checks.Framework{checks.CIS, checks.NSA} {
			for _, id := range c.References.Items(f) {
				if _, ok := checks.LookupItem(f, id); !ok {
					t.Errorf("%s references %s %q, which is not an item of that framework", c.ID, f, id)
				}
				want = append(want, key{f, id, c.ID})
			}
		}
		for _, id := range c.References.CIS {
			deciders[id] = append(deciders[id], c.ID)
		}
		if l := c.References.PSSLevel; l != "" {
			want = append(want, key{checks.Framework("pss-" + l), l, c.ID})
			if !slices.Equal(c.References.PSS, pssCheckIDs(api.Level(l))) {
				t.Errorf("%s: PSS %v, want the level's checks %v", c.ID, c.References.PSS, pssCheckIDs(api.Level(l)))
			}
		}
		for _, k := range want {
			if !have[k] {
				t.Errorf("%s references %s %s, but no claim in claims_test.go says how it decides it", c.ID, k.f, k.item)
			}
			delete(have, k)
		}
	}
	for k := range have {
		t.Errorf("claim %s %s %s: the control does not reference the item", k.f, k.item, k.ctrl)
	}
	for id, cs := range deciders {
		if len(cs) > 1 {
			t.Errorf("CIS %s is decided by %v: one control per recommendation", id, cs)
		}
	}
}

// pssCheckIDs are the upstream checks of level, sorted.
func pssCheckIDs(level api.Level) []string {
	var ids []string
	for _, c := range policy.DefaultChecks() {
		if c.Level == level {
			ids = append(ids, string(c.ID))
		}
	}
	slices.Sort(ids)
	return ids
}

// TestCrosswalkDoc: docs/crosswalk.md is the claims table rendered; -update rewrites it.
func TestCrosswalkDoc(t *testing.T) {
	got := renderCrosswalk()
	if *update {
		if err := os.WriteFile(crosswalkPath, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(crosswalkPath)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("docs/crosswalk.md is stale: regenerate it with 'go test ./checks/builtin -run TestCrosswalkDoc -update'")
	}
}

// frameworkOrder renders frameworks in this order, with these headings.
var frameworkOrder = []struct {
	f     checks.Framework
	title string
}{
	{checks.CIS, "CIS Kubernetes Benchmark 1.12"},
	{checks.PSSBaseline, "Pod Security Standards, baseline level"},
	{checks.PSSRestricted, "Pod Security Standards, restricted level"},
	{checks.NSA, "NSA/CISA Kubernetes Hardening Guide (areas by their kubescape ids)"},
}

func renderCrosswalk() []byte {
	var b bytes.Buffer
	b.WriteString("<!-- Generated by `go test ./checks/builtin -run TestCrosswalkDoc -update` from checks/builtin/claims_test.go; do not edit. -->\n\n")
	b.WriteString("# Crosswalk: framework items and the controls that decide them\n\n")
	b.WriteString("One line per claim: a framework item, the control whose verdict is the item's verdict, " +
		"exactly what that control tests, and the cases it passes and fails. Every case is run by " +
		"`TestClaims` (checks/builtin) through the engine, selecting the control by the item " +
		"(`audit scan --control ITEM`), so a line cannot say what the code does not do. A CIS " +
		"recommendation is decided by one control, one result per resource; a result decides its " +
		"control's items unless it names fewer (`references` on the result, docs/report-json.md). " +
		"The controls without a line test rules of their own and claim no item; " +
		"[controls.md](controls.md) lists them all.\n")
	for _, fw := range frameworkOrder {
		var rows []claim
		for _, cl := range claims {
			if cl.framework == fw.f {
				rows = append(rows, cl)
			}
		}
		slices.SortStableFunc(rows, func(a, b claim) int {
			if c := compareItems(a.item, b.item); c != 0 {
				return c
			}
			return strings.Compare(a.control, b.control)
		})
		fmt.Fprintf(&b, "\n## %s\n\n", fw.title)
		b.WriteString("| Item | Control | What is tested | PASS | FAIL (or the verdict given) |\n| --- | --- | --- | --- | --- |\n")
		for _, cl := range rows {
			item := cl.item
			if it, ok := checks.LookupItem(fw.f, cl.item); ok {
				item += " " + it.Title
				if fw.f == checks.CIS && !it.Automated {
					item += " (Manual)"
				}
			}
			var pass, fail []string
			for _, f := range cl.cases {
				if f.want == checks.Pass {
					pass = append(pass, f.desc)
				} else if f.want == checks.Fail {
					fail = append(fail, f.desc)
				} else {
					fail = append(fail, f.desc+" ("+string(f.want)+")")
				}
			}
			if len(pass) == 0 {
				pass = []string{"none: " + cl.noPass}
			}
			fmt.Fprintf(&b, "| %s | [%s](controls.md#%s) | %s | %s | %s |\n", cell(item), cl.control,
				strings.ToLower(cl.control), cell(cl.tests), cell(strings.Join(pass, "; ")), cell(strings.Join(fail, "; ")))
		}
		first := true
		for _, it := range checks.Items(fw.f) {
			if slices.ContainsFunc(rows, func(c claim) bool { return c.item == it.ID }) {
				continue
			}
			if first {
				b.WriteString("\nDecided by no control:\n\n")
				first = false
			}
			manual := ""
			if fw.f == checks.CIS && !it.Automated {
				manual = " (Manual)"
			}
			fmt.Fprintf(&b, "- %s %s%s\n", it.ID, it.Title, manual)
		}
	}
	return b.Bytes()
}

func cell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}

// compareItems orders items as their framework does: CIS ids part by part, numerically.
func compareItems(a, b string) int {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(pa) && i < len(pb); i++ {
		var na, nb int
		_, ea := fmt.Sscanf(pa[i], "%d", &na)
		_, eb := fmt.Sscanf(pb[i], "%d", &nb)
		if ea != nil || eb != nil {
			if c := strings.Compare(pa[i], pb[i]); c != 0 {
				return c
			}
			continue
		}
		if na != nb {
			return na - nb
		}
	}
	return len(pa) - len(pb)
}
