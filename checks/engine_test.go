package checks_test

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

// check builds a valid test-local check; Run takes the checks to run, so most tests never
// touch the package registry.
func check(id string, layer checks.Layer, sev checks.Severity, refs checks.References, eval func(*snapshot.Snapshot) []checks.Result, inputs ...snapshot.Resource) checks.Check {
	if eval == nil {
		eval = func(*snapshot.Snapshot) []checks.Result { return nil }
	}
	return checks.Check{
		Control: checks.Control{
			ID: id, Title: "title of " + id, Layer: layer, Severity: sev,
			Description: "description of " + id, Remediation: "remediation of " + id, References: refs,
		},
		Inputs:   inputs,
		Evaluate: eval,
	}
}

// results returns an Evaluate function that always returns rs.
func results(rs ...checks.Result) func(*snapshot.Snapshot) []checks.Result {
	return func(*snapshot.Snapshot) []checks.Result {
		out := make([]checks.Result, len(rs))
		copy(out, rs)
		return out
	}
}

func res(status checks.Status, kind, ns, name string) checks.Result {
	return checks.Result{Status: status, Resource: checks.Resource{Kind: kind, Namespace: ns, Name: name}}
}

func snap() *snapshot.Snapshot {
	s := snapshot.New()
	s.Cluster = snapshot.Cluster{UID: "uid-1", Server: "https://127.0.0.1:6443", Version: "v1.33.0", Provider: snapshot.ProviderKubeadm}
	s.CollectedAt = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	s.ToolVersion = "test"
	s.Resources[snapshot.ResPods] = snapshot.Collection{State: snapshot.Collected, Count: 3}
	s.Resources[snapshot.ResNodes] = snapshot.Collection{State: snapshot.Collected, Count: 1}
	s.Resources[snapshot.ResKubeletConfigs] = snapshot.Collection{State: snapshot.Forbidden, Message: "nodes/proxy is forbidden"}
	s.Resources[snapshot.ResRoles] = snapshot.Collection{State: snapshot.Failed}
	s.Resources[snapshot.ResIngresses] = snapshot.Collection{State: snapshot.NotFound}
	s.Resources[snapshot.ResConfigMaps] = snapshot.Collection{State: snapshot.Partial, Count: 2, Message: "one namespace forbidden"}
	return s
}

func mustPanic(t *testing.T, want string, fn func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		if r == nil {
			t.Fatalf("no panic; want one mentioning %q", want)
		}
		if msg := fmt.Sprint(r); !strings.Contains(msg, "checks.Register") || !strings.Contains(msg, want) {
			t.Errorf("panic %q does not mention checks.Register and %q", msg, want)
		}
	}()
	fn()
}

func TestRegisterValidation(t *testing.T) {
	valid := func() checks.Check {
		return check("TEST-REG-INVALID", checks.Node, checks.High, checks.References{}, nil)
	}
	cases := []struct {
		name   string
		mutate func(c *checks.Check)
		want   string
	}{
		{"no id", func(c *checks.Check) { c.ID = "" }, "has no id"},
		{"no title", func(c *checks.Check) { c.Title = "" }, "title, description and remediation are required"},
		{"no description", func(c *checks.Check) { c.Description = "" }, "title, description and remediation are required"},
		{"no remediation", func(c *checks.Check) { c.Remediation = "" }, "title, description and remediation are required"},
		{"no evaluate", func(c *checks.Check) { c.Evaluate = nil }, "no Evaluate function"},
		{"unknown severity", func(c *checks.Check) { c.Severity = "urgent" }, `unknown severity "urgent"`},
		{"empty severity", func(c *checks.Check) { c.Severity = "" }, "unknown severity"},
		{"unknown layer", func(c *checks.Check) { c.Layer = "kernel" }, `unknown layer "kernel"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := valid()
			tc.mutate(&c)
			mustPanic(t, tc.want, func() { checks.Register(c) })
		})
	}
	for _, c := range checks.Registered() {
		if c.ID == "TEST-REG-INVALID" {
			t.Fatalf("an invalid check was registered")
		}
	}

	checks.Register(check("TEST-REG-B", checks.Workload, checks.Low, checks.References{}, nil))
	checks.Register(check("TEST-REG-A", checks.Workload, checks.Low, checks.References{}, nil))
	checks.Register(check("TEST-REG-C", checks.ControlPlane, checks.Critical, checks.References{}, nil))
	mustPanic(t, `duplicate control id "TEST-REG-A"`, func() {
		checks.Register(check("TEST-REG-A", checks.Node, checks.Low, checks.References{}, nil))
	})

	// Registered is ordered by layer (checks.Layers order), then id.
	var got []string
	for _, c := range checks.Registered() {
		if strings.HasPrefix(c.ID, "TEST-REG-") {
			got = append(got, c.ID)
		}
	}
	want := []string{"TEST-REG-C", "TEST-REG-A", "TEST-REG-B"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Registered order = %v, want %v", got, want)
	}
}

// catalog is a small catalog covering every framework and layer, in catalog order.
func catalog() []checks.Check {
	return []checks.Check{
		check("TEST-CP-1", checks.ControlPlane, checks.Critical, checks.References{CIS: []string{"1.2.1"}, NSA: []string{"C-0001"}}, nil),
		check("TEST-NODE-1", checks.Node, checks.High, checks.References{CIS: []string{"4.2.1", "4.2.2"}}, nil),
		check("TEST-WL-1", checks.Workload, checks.High, checks.References{PSS: []string{"privileged"}, PSSLevel: "baseline"}, nil),
		check("TEST-WL-2", checks.Workload, checks.Medium, checks.References{PSS: []string{"runAsNonRoot"}, PSSLevel: "restricted"}, nil),
		check("TEST-NET-1", checks.Network, checks.Medium, checks.References{NSA: []string{"C-0260"}}, nil),
		check("TEST-NET-2", checks.Network, checks.Info, checks.References{}, nil),
	}
}

func ids(cs []checks.Check) []string {
	out := []string{}
	for _, c := range cs {
		out = append(out, c.ID)
	}
	return out
}

func TestSelect(t *testing.T) {
	all := []string{"TEST-CP-1", "TEST-NODE-1", "TEST-WL-1", "TEST-WL-2", "TEST-NET-1", "TEST-NET-2"}
	cases := []struct {
		name string
		sel  checks.Selection
		want []string
	}{
		{"empty selects all", checks.Selection{}, all},
		{"framework all", checks.Selection{Frameworks: []checks.Framework{checks.All}}, all},
		{"cis", checks.Selection{Frameworks: []checks.Framework{checks.CIS}}, []string{"TEST-CP-1", "TEST-NODE-1"}},
		{"nsa", checks.Selection{Frameworks: []checks.Framework{checks.NSA}}, []string{"TEST-CP-1", "TEST-NET-1"}},
		{"pss baseline", checks.Selection{Frameworks: []checks.Framework{checks.PSSBaseline}}, []string{"TEST-WL-1"}},
		{"pss restricted includes baseline", checks.Selection{Frameworks: []checks.Framework{checks.PSSRestricted}}, []string{"TEST-WL-1", "TEST-WL-2"}},
		{"two frameworks are a union", checks.Selection{Frameworks: []checks.Framework{checks.NSA, checks.PSSBaseline}}, []string{"TEST-CP-1", "TEST-WL-1", "TEST-NET-1"}},
		{"layer", checks.Selection{Layers: []checks.Layer{checks.Workload}}, []string{"TEST-WL-1", "TEST-WL-2"}},
		{"two layers", checks.Selection{Layers: []checks.Layer{checks.Network, checks.ControlPlane}}, []string{"TEST-CP-1", "TEST-NET-1", "TEST-NET-2"}},
		{"framework and layer intersect", checks.Selection{Frameworks: []checks.Framework{checks.CIS}, Layers: []checks.Layer{checks.Node}}, []string{"TEST-NODE-1"}},
		{"control id", checks.Selection{Controls: []string{"TEST-NET-2"}}, []string{"TEST-NET-2"}},
		{"cis id", checks.Selection{Controls: []string{"4.2.2"}}, []string{"TEST-NODE-1"}},
		{"ids keep catalog order", checks.Selection{Controls: []string{"TEST-WL-2", "1.2.1"}}, []string{"TEST-CP-1", "TEST-WL-2"}},
		{"id and its cis id select once", checks.Selection{Controls: []string{"TEST-CP-1", "1.2.1"}}, []string{"TEST-CP-1"}},
		{"id within framework", checks.Selection{Frameworks: []checks.Framework{checks.CIS}, Controls: []string{"TEST-CP-1"}}, []string{"TEST-CP-1"}},
		{"nsa id", checks.Selection{Controls: []string{"C-0260"}}, []string{"TEST-NET-1"}},
		{"an item selects every control that references it", checks.Selection{Controls: []string{"C-0001", "4.2.1"}}, []string{"TEST-CP-1", "TEST-NODE-1"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.sel.Select(catalog())
			if err != nil {
				t.Fatalf("Select: %v", err)
			}
			if !reflect.DeepEqual(ids(got), tc.want) {
				t.Errorf("Select = %v, want %v", ids(got), tc.want)
			}
		})
	}

	for name, sel := range map[string]checks.Selection{
		"unknown id":                  {Controls: []string{"TEST-CP-1", "9.9.9"}},
		"id outside the framework":    {Frameworks: []checks.Framework{checks.NSA}, Controls: []string{"9.9.9", "4.2.1"}},
		"id outside the layer":        {Layers: []checks.Layer{checks.Network}, Controls: []string{"9.9.9"}},
		"kubeposture id misspelt":     {Controls: []string{"9.9.9"}},
		"case matters for control id": {Controls: []string{"9.9.9", "test-cp-1"}},
	} {
		t.Run(name, func(t *testing.T) {
			got, err := sel.Select(catalog())
			if err == nil {
				t.Fatalf("Select accepted %v: %v", sel.Controls, ids(got))
			}
			if !strings.Contains(err.Error(), `"9.9.9"`) && !strings.Contains(err.Error(), "test-cp-1") {
				t.Errorf("error %q does not name the unknown id", err)
			}
			if got != nil {
				t.Errorf("Select returned checks with its error: %v", ids(got))
			}
		})
	}
}

func TestParse(t *testing.T) {
	if f, err := checks.ParseFramework(" CIS-1.12 "); err != nil || f != checks.CIS {
		t.Errorf("ParseFramework: %v %v", f, err)
	}
	if _, err := checks.ParseFramework("pci"); err == nil || !strings.Contains(err.Error(), "cis-1.12") {
		t.Errorf("ParseFramework(pci) error = %v, want the valid names", err)
	}
	if l, err := checks.ParseLayer("node"); err != nil || l != checks.Node {
		t.Errorf("ParseLayer: %v %v", l, err)
	}
	if _, err := checks.ParseLayer("kernel"); err == nil {
		t.Errorf("ParseLayer(kernel) accepted")
	}
	if s, err := checks.ParseSeverity("HIGH"); err != nil || s != checks.High {
		t.Errorf("ParseSeverity: %v %v", s, err)
	}
	if _, err := checks.ParseSeverity("urgent"); err == nil || !strings.Contains(err.Error(), "critical") {
		t.Errorf("ParseSeverity(urgent) error = %v", err)
	}
	if checks.Critical.Rank() <= checks.High.Rank() || checks.Info.Rank() != 0 || checks.Severity("x").Rank() != -1 {
		t.Errorf("severity ranks out of order")
	}
}

func find(t *testing.T, rep *checks.Report, id string) checks.ControlReport {
	t.Helper()
	for _, c := range rep.Controls {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("control %s not in the report", id)
	return checks.ControlReport{}
}

func TestRunInputsGating(t *testing.T) {
	called := map[string]bool{}
	var mu sync.Mutex // checks run concurrently
	spy := func(id string) func(*snapshot.Snapshot) []checks.Result {
		return func(*snapshot.Snapshot) []checks.Result {
			mu.Lock()
			defer mu.Unlock()
			called[id] = true
			return []checks.Result{res(checks.Pass, "Pod", "a", "p")}
		}
	}
	cs := []checks.Check{
		check("TEST-IN-FORBIDDEN", checks.Node, checks.High, checks.References{}, spy("TEST-IN-FORBIDDEN"), snapshot.ResNodes, snapshot.ResKubeletConfigs),
		check("TEST-IN-MISSING", checks.Workload, checks.High, checks.References{}, spy("TEST-IN-MISSING"), snapshot.ResPods, snapshot.ResSecrets),
		check("TEST-IN-FAILED", checks.Workload, checks.High, checks.References{}, spy("TEST-IN-FAILED"), snapshot.ResRoles),
		check("TEST-IN-NOTFOUND", checks.Network, checks.High, checks.References{}, spy("TEST-IN-NOTFOUND"), snapshot.ResIngresses),
		check("TEST-IN-PARTIAL", checks.Workload, checks.High, checks.References{}, spy("TEST-IN-PARTIAL"), snapshot.ResConfigMaps),
		check("TEST-IN-OK", checks.Workload, checks.High, checks.References{}, spy("TEST-IN-OK"), snapshot.ResPods, snapshot.ResNodes),
		check("TEST-IN-NONE", checks.Workload, checks.High, checks.References{}, spy("TEST-IN-NONE")),
	}
	rep := checks.Run(snap(), cs, checks.Selection{})

	notEvaluated := map[string]string{
		"TEST-IN-FORBIDDEN": "nodes/proxy: forbidden: nodes/proxy is forbidden",
		"TEST-IN-MISSING":   "secrets was not collected",
		"TEST-IN-FAILED":    "roles.rbac.authorization.k8s.io: failed",
		"TEST-IN-NOTFOUND":  "ingresses.networking.k8s.io: notFound",
	}
	for id, reason := range notEvaluated {
		c := find(t, rep, id)
		if called[id] {
			t.Errorf("%s: Evaluate was called although an input was not collected", id)
		}
		if c.Status != checks.NotEvaluated {
			t.Errorf("%s: status %s, want NOT_EVALUATED", id, c.Status)
		}
		if len(c.Results) != 1 || c.Results[0].Status != checks.NotEvaluated || c.Results[0].Reason != reason || c.Results[0].ControlID != id {
			t.Errorf("%s: results %+v, want one NOT_EVALUATED with reason %q", id, c.Results, reason)
		}
		if c.Counts[checks.NotEvaluated] != 1 {
			t.Errorf("%s: counts %v", id, c.Counts)
		}
	}
	for _, id := range []string{"TEST-IN-PARTIAL", "TEST-IN-OK", "TEST-IN-NONE"} {
		if !called[id] {
			t.Errorf("%s: Evaluate was not called", id)
		}
		if c := find(t, rep, id); c.Status != checks.Pass {
			t.Errorf("%s: status %s, want PASS", id, c.Status)
		}
	}

	// The report carries what the collector could not read, sorted, partial included.
	var nc []string
	for _, n := range rep.NotCollected {
		nc = append(nc, fmt.Sprintf("%s=%s", n.Resource, n.State))
	}
	want := []string{"configmaps=partial", "ingresses.networking.k8s.io=notFound", "nodes/proxy=forbidden", "roles.rbac.authorization.k8s.io=failed"}
	if !reflect.DeepEqual(nc, want) {
		t.Errorf("NotCollected = %v, want %v", nc, want)
	}
	if rep.NotCollected[2].Message != "nodes/proxy is forbidden" {
		t.Errorf("NotCollected message lost: %+v", rep.NotCollected[2])
	}
}

func TestRunPanickingCheck(t *testing.T) {
	cs := []checks.Check{
		check("TEST-PANIC", checks.Workload, checks.High, checks.References{}, func(s *snapshot.Snapshot) []checks.Result {
			var m map[string]int
			m["boom"]++ // nil map write
			return nil
		}, snapshot.ResPods),
		check("TEST-PANIC-VALUE", checks.Workload, checks.High, checks.References{}, func(*snapshot.Snapshot) []checks.Result {
			panic("kaboom")
		}),
		check("TEST-AFTER", checks.Workload, checks.High, checks.References{}, results(res(checks.Fail, "Pod", "a", "p"))),
	}
	rep := checks.Run(snap(), cs, checks.Selection{})
	for id, want := range map[string]string{"TEST-PANIC": "assignment to entry in nil map", "TEST-PANIC-VALUE": "kaboom"} {
		c := find(t, rep, id)
		if c.Status != checks.NotEvaluated || len(c.Results) != 1 {
			t.Fatalf("%s: %s %+v, want one NOT_EVALUATED result", id, c.Status, c.Results)
		}
		if r := c.Results[0].Reason; !strings.Contains(r, "check failed") || !strings.Contains(r, want) {
			t.Errorf("%s: reason %q, want the panic %q", id, r, want)
		}
	}
	if c := find(t, rep, "TEST-AFTER"); c.Status != checks.Fail {
		t.Errorf("a panic hid the next check's verdict: %s", c.Status)
	}
}

// TestRunItemFilter: a framework item given to --control keeps, of the controls it selects,
// the results that decide it; a result names the items it decides when they are fewer than its
// control's, and may not name one its control does not reference.
func TestRunItemFilter(t *testing.T) {
	hostPID := res(checks.Fail, "Pod", "a", "pid")
	hostPID.References = &checks.References{CIS: []string{"5.2.3"}}
	hostIPC := res(checks.Pass, "Pod", "a", "ipc")
	hostIPC.References = &checks.References{CIS: []string{"5.2.4"}, NSA: []string{"C-0038"}}
	both := res(checks.Pass, "Pod", "a", "both") // decides every item of its control
	refs := checks.References{CIS: []string{"5.2.3", "5.2.4"}, NSA: []string{"C-0038"}}
	split := check("TEST-SPLIT", checks.Workload, checks.High, refs, results(hostPID, hostIPC, both))
	other := check("TEST-OTHER", checks.Workload, checks.High, checks.References{CIS: []string{"5.2.3"}}, results(res(checks.Pass, "Pod", "a", "x")))

	names := func(c checks.ControlReport) []string {
		var out []string
		for _, r := range c.Results {
			out = append(out, r.Resource.Name)
		}
		return out
	}
	for _, tc := range []struct {
		controls []string
		want     []string
	}{
		{nil, []string{"pid", "both", "ipc"}},
		{[]string{"TEST-SPLIT"}, []string{"pid", "both", "ipc"}},
		{[]string{"5.2.3"}, []string{"pid", "both"}},
		{[]string{"5.2.4"}, []string{"both", "ipc"}},
		{[]string{"C-0038"}, []string{"both", "ipc"}},
		{[]string{"5.2.3", "5.2.4"}, []string{"pid", "both", "ipc"}},
		{[]string{"5.2.3", "TEST-SPLIT"}, []string{"pid", "both", "ipc"}}, // named itself: every result
	} {
		sel := checks.Selection{Controls: tc.controls}
		cs, err := sel.Select([]checks.Check{split, other})
		if err != nil {
			t.Fatal(err)
		}
		rep := checks.Run(snap(), cs, sel)
		if got := names(find(t, rep, "TEST-SPLIT")); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("--control %v: TEST-SPLIT results %v, want %v", tc.controls, got, tc.want)
		}
		if c := find(t, rep, "TEST-SPLIT"); c.Results[0].References != nil && c.Results[0].Resource.Name == "both" {
			t.Errorf("a result deciding all its control's items gained references: %+v", c.Results[0].References)
		}
	}
	rep := checks.Run(snap(), []checks.Check{split}, checks.Selection{})
	c := find(t, rep, "TEST-SPLIT")
	for _, r := range c.Results {
		d := r.Decides(&c.Control)
		switch r.Resource.Name {
		case "both":
			if !reflect.DeepEqual(*d, refs) {
				t.Errorf("Decides(both) = %+v, want the control's %+v", *d, refs)
			}
		case "pid":
			if !reflect.DeepEqual(d.CIS, []string{"5.2.3"}) || d.In(checks.NSA) {
				t.Errorf("Decides(pid) = %+v", *d)
			}
		}
	}

	// A result may not decide an item its control does not claim: the control is not judged.
	stray := res(checks.Pass, "Pod", "a", "stray")
	stray.References = &checks.References{CIS: []string{"5.2.5"}}
	bad := check("TEST-STRAY", checks.Workload, checks.High, checks.References{CIS: []string{"5.2.3"}}, results(stray))
	c = find(t, checks.Run(snap(), []checks.Check{bad}, checks.Selection{}), "TEST-STRAY")
	if c.Status != checks.NotEvaluated || !strings.Contains(c.Results[0].Reason, "5.2.5") {
		t.Errorf("a result deciding an item its control does not reference: %s %+v", c.Status, c.Results)
	}
}

func TestAggregate(t *testing.T) {
	r := func(ss ...checks.Status) []checks.Result {
		var out []checks.Result
		for _, s := range ss {
			out = append(out, checks.Result{Status: s})
		}
		return out
	}
	cases := []struct {
		in   []checks.Result
		want checks.Status
	}{
		{nil, checks.NotApplicable},
		{r(checks.Pass, checks.Pass), checks.Pass},
		{r(checks.Pass, checks.Fail, checks.Warn), checks.Fail},
		{r(checks.NotApplicable, checks.Warn, checks.Pass, checks.NotEvaluated), checks.Warn},
		{r(checks.Pass, checks.NotEvaluated, checks.Manual), checks.NotEvaluated},
		{r(checks.Pass, checks.Manual, checks.NotApplicable), checks.Manual},
		{r(checks.NotApplicable, checks.Pass), checks.Pass},
		{r(checks.NotApplicable), checks.NotApplicable},
	}
	for _, tc := range cases {
		if got := checks.Aggregate(tc.in); got != tc.want {
			t.Errorf("Aggregate(%v) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestRunResultsOrderAndCounts(t *testing.T) {
	cs := []checks.Check{
		check("TEST-ORDER", checks.Workload, checks.High, checks.References{}, results(
			res(checks.Pass, "Pod", "b", "z"),
			res(checks.Warn, "Pod", "a", "y"),
			res(checks.Fail, "Pod", "b", "x"),
			res(checks.Fail, "Deployment", "b", "x"),
			res(checks.Fail, "Pod", "a", "w"),
			res(checks.NotApplicable, "Pod", "a", "v"),
			res(checks.Pass, "Node", "", "n1"),
		)),
		check("TEST-EMPTY", checks.Workload, checks.High, checks.References{}, nil),
	}
	rep := checks.Run(snap(), cs, checks.Selection{})
	c := find(t, rep, "TEST-ORDER")
	var got []string
	for _, r := range c.Results {
		if r.ControlID != "TEST-ORDER" {
			t.Errorf("result without its control id: %+v", r)
		}
		got = append(got, string(r.Status)+" "+r.Resource.String())
	}
	want := []string{
		"FAIL Pod/a/w", "FAIL Deployment/b/x", "FAIL Pod/b/x",
		"WARN Pod/a/y",
		"PASS Node/n1", "PASS Pod/b/z",
		"NOT_APPLICABLE Pod/a/v",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("results order:\n got %v\nwant %v", got, want)
	}
	if wantCounts := map[checks.Status]int{checks.Fail: 3, checks.Warn: 1, checks.Pass: 2, checks.NotApplicable: 1}; !reflect.DeepEqual(c.Counts, wantCounts) {
		t.Errorf("counts = %v, want %v", c.Counts, wantCounts)
	}
	if c.Status != checks.Fail {
		t.Errorf("status = %s", c.Status)
	}

	e := find(t, rep, "TEST-EMPTY")
	if e.Status != checks.NotApplicable || len(e.Results) != 1 || !strings.Contains(e.Results[0].Reason, "no resource in the cluster") {
		t.Errorf("a check with no result: %s %+v, want one NOT_APPLICABLE", e.Status, e.Results)
	}

	// Controls keep the order of the checks given; the report's metadata is the snapshot's.
	if rep.Controls[0].ID != "TEST-ORDER" || rep.Controls[1].ID != "TEST-EMPTY" {
		t.Errorf("controls out of order")
	}
	s := snap()
	if rep.SchemaVersion != checks.ReportSchemaVersion || rep.Cluster != s.Cluster || !rep.CollectedAt.Equal(s.CollectedAt) ||
		rep.ToolVersion != s.ToolVersion || rep.GeneratedAt.IsZero() || rep.GeneratedAt.Location() != time.UTC {
		t.Errorf("report metadata: %+v", rep)
	}
}

func TestRunNamespaceFilter(t *testing.T) {
	mixed := results(
		res(checks.Fail, "Pod", "a", "p1"),
		res(checks.Pass, "Pod", "b", "p2"),
		res(checks.Warn, "Pod", "c", "p3"),
		res(checks.Fail, "ClusterRole", "", "admin"),
	)
	cs := []checks.Check{
		check("TEST-NS-MIXED", checks.Workload, checks.High, checks.References{}, mixed),
		check("TEST-NS-CLUSTER", checks.ControlPlane, checks.High, checks.References{}, results(res(checks.Fail, "Component", "", "kube-apiserver"))),
		check("TEST-NS-GATED", checks.Node, checks.High, checks.References{}, mixed, snapshot.ResKubeletConfigs),
		check("TEST-NS-PANIC", checks.Node, checks.High, checks.References{}, func(*snapshot.Snapshot) []checks.Result { panic("x") }),
	}
	sel := checks.Selection{Namespaces: []string{"b", "c"}}
	rep := checks.Run(snap(), cs, sel)
	if !reflect.DeepEqual(rep.Selection, sel) {
		t.Errorf("report selection = %+v", rep.Selection)
	}

	m := find(t, rep, "TEST-NS-MIXED")
	var got []string
	for _, r := range m.Results {
		got = append(got, r.Resource.String())
	}
	if want := []string{"Pod/c/p3", "Pod/b/p2"}; !reflect.DeepEqual(got, want) {
		t.Errorf("filtered results = %v, want %v", got, want)
	}
	if m.Status != checks.Warn {
		t.Errorf("status over the selected namespaces = %s, want WARN", m.Status)
	}

	c := find(t, rep, "TEST-NS-CLUSTER")
	if c.Status != checks.NotApplicable || !strings.Contains(c.Results[0].Reason, "selected namespaces") {
		t.Errorf("cluster-scoped only: %s %+v, want NOT_APPLICABLE for the selected namespaces", c.Status, c.Results)
	}
	// The engine's own NOT_EVALUATED is about the whole control: the filter keeps it.
	for _, id := range []string{"TEST-NS-GATED", "TEST-NS-PANIC"} {
		if c := find(t, rep, id); c.Status != checks.NotEvaluated {
			t.Errorf("%s under a namespace filter: %s %+v, want NOT_EVALUATED", id, c.Status, c.Results)
		}
	}
}

// statusCheck returns a check whose aggregate status is s.
func statusCheck(id string, layer checks.Layer, sev checks.Severity, refs checks.References, s checks.Status, n int) checks.Check {
	var rs []checks.Result
	for i := 0; i < n; i++ {
		rs = append(rs, res(s, "Pod", "ns", fmt.Sprintf("p%d", i)))
	}
	return check(id, layer, sev, refs, results(rs...))
}

func TestSummaryScore(t *testing.T) {
	cis := checks.References{CIS: []string{"1.1.1"}}
	nsa := checks.References{NSA: []string{"C-0001"}}
	cs := []checks.Check{
		statusCheck("TEST-S-P1", checks.ControlPlane, checks.High, cis, checks.Pass, 1),
		statusCheck("TEST-S-P2", checks.ControlPlane, checks.High, cis, checks.Pass, 2),
		statusCheck("TEST-S-W", checks.ControlPlane, checks.Low, nsa, checks.Warn, 1),
		statusCheck("TEST-S-F", checks.Workload, checks.Critical, cis, checks.Fail, 3),
		statusCheck("TEST-S-NE", checks.Workload, checks.High, cis, checks.NotEvaluated, 1),
		statusCheck("TEST-S-NA", checks.Workload, checks.High, nsa, checks.NotApplicable, 1),
		statusCheck("TEST-S-M", checks.Workload, checks.High, nsa, checks.Manual, 1),
		statusCheck("TEST-S-NODE-NE", checks.Node, checks.High, nsa, checks.NotEvaluated, 1),
	}
	sum := checks.Run(snap(), cs, checks.Selection{}).Summary

	// Total: 2 PASS, 1 WARN, 1 FAIL evaluated: 100 × (2 + ½) / 4 = 62.5.
	tot := sum.Total
	if tot.Controls != 8 || tot.Evaluated != 4 || tot.Score != 62.5 {
		t.Errorf("total = %+v, want 8 controls, 4 evaluated, score 62.5", tot)
	}
	wantStatus := map[checks.Status]int{checks.Pass: 2, checks.Warn: 1, checks.Fail: 1, checks.NotEvaluated: 2, checks.NotApplicable: 1, checks.Manual: 1}
	if !reflect.DeepEqual(tot.Status, wantStatus) {
		t.Errorf("total status = %v, want %v", tot.Status, wantStatus)
	}
	if tot.Failures[checks.Critical] != 3 || tot.Failures[checks.High] != 0 || tot.Failures[checks.Low] != 0 {
		// Failures counts failing resources, by the control's severity.
		t.Errorf("failures = %v, want 3 critical", tot.Failures)
	}

	// By layer: control plane 2 PASS + 1 WARN = 83.3 (rounded to one decimal); workload
	// 1 FAIL = 0; node nothing evaluated = -1; network absent.
	layers := map[checks.Layer]float64{checks.ControlPlane: 83.3, checks.Workload: 0, checks.Node: -1}
	if len(sum.ByLayer) != len(layers) {
		t.Errorf("byLayer has %d layers, want %d: %v", len(sum.ByLayer), len(layers), sum.ByLayer)
	}
	for l, score := range layers {
		if got := sum.ByLayer[l].Score; got != score {
			t.Errorf("layer %s score = %v, want %v", l, got, score)
		}
	}
	if n := sum.ByLayer[checks.Node]; n.Evaluated != 0 || n.Controls != 1 {
		t.Errorf("node tally = %+v", n)
	}

	// By framework: CIS has P1, P2, F, NE → 100 × 2 / 3 = 66.7; NSA has W, NA, M, NODE-NE → 50.
	if got := sum.ByFramework[checks.CIS]; got.Controls != 4 || got.Evaluated != 3 || got.Score != 66.7 {
		t.Errorf("cis tally = %+v, want 4 controls, 3 evaluated, 66.7", got)
	}
	if got := sum.ByFramework[checks.NSA]; got.Controls != 4 || got.Evaluated != 1 || got.Score != 50 {
		t.Errorf("nsa tally = %+v, want 4 controls, 1 evaluated, 50", got)
	}
	if _, ok := sum.ByFramework[checks.PSSBaseline]; ok {
		t.Errorf("a framework with no control has a tally")
	}
}

func TestSummaryNothingEvaluated(t *testing.T) {
	cs := []checks.Check{
		check("TEST-NONE-GATED", checks.Node, checks.High, checks.References{}, nil, snapshot.ResKubeletConfigs),
		statusCheck("TEST-NONE-NA", checks.Node, checks.High, checks.References{}, checks.NotApplicable, 1),
	}
	sum := checks.Run(snap(), cs, checks.Selection{}).Summary
	if sum.Total.Score != -1 || sum.Total.Evaluated != 0 || sum.Total.Controls != 2 {
		t.Errorf("total = %+v, want score -1 with nothing evaluated", sum.Total)
	}
	empty := checks.Run(snap(), nil, checks.Selection{}).Summary
	if empty.Total.Score != -1 || empty.Total.Controls != 0 {
		t.Errorf("empty run total = %+v, want score -1", empty.Total)
	}
	for _, tc := range []struct {
		pass, warn, fail int
		want             float64
	}{{1, 0, 0, 100}, {0, 1, 0, 50}, {0, 0, 1, 0}, {1, 0, 2, 33.3}, {2, 1, 0, 83.3}, {1, 1, 1, 50}} {
		var cs []checks.Check
		add := func(s checks.Status, n int) {
			for i := 0; i < n; i++ {
				cs = append(cs, statusCheck(fmt.Sprintf("TEST-F-%s-%d", s, i), checks.Node, checks.Low, checks.References{}, s, 1))
			}
		}
		add(checks.Pass, tc.pass)
		add(checks.Warn, tc.warn)
		add(checks.Fail, tc.fail)
		if got := checks.Run(snap(), cs, checks.Selection{}).Summary.Total.Score; got != tc.want {
			t.Errorf("score(PASS=%d WARN=%d FAIL=%d) = %v, want %v", tc.pass, tc.warn, tc.fail, got, tc.want)
		}
	}
}
