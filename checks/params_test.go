package checks_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

// A check with EvaluateParams gets the run's Params from the Selection, and the report records
// them; a check sets exactly one of Evaluate and EvaluateParams.
func TestEvaluateParams(t *testing.T) {
	var seen []checks.Params
	c := check("TEST-PARAMS", checks.Workload, checks.Low, checks.References{}, nil)
	c.Evaluate = nil
	c.EvaluateParams = func(_ *snapshot.Snapshot, p checks.Params) []checks.Result {
		seen = append(seen, p)
		return []checks.Result{res(checks.Pass, "Pod", "ns", "p")}
	}
	sel := checks.Selection{Params: checks.Params{AllowedRegistries: []string{"registry.example.com:5000"}}}
	rep := checks.Run(snapshot.New(), []checks.Check{c}, sel)
	if len(seen) != 1 || !reflect.DeepEqual(seen[0], sel.Params) {
		t.Fatalf("EvaluateParams saw %+v, want one call with %+v", seen, sel.Params)
	}
	if rep.Controls[0].Status != checks.Pass {
		t.Errorf("status %s, want PASS", rep.Controls[0].Status)
	}
	b, err := json.Marshal(rep.Selection)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"allowedRegistries":["registry.example.com:5000"]}`; string(b) != want {
		t.Errorf("selection JSON %s, want %s", b, want)
	}
	// No params given: the selection's JSON is unchanged from before Params existed.
	if b, _ := json.Marshal(checks.Selection{Layers: []checks.Layer{checks.Workload}}); string(b) != `{"layers":["workload"]}` {
		t.Errorf("selection JSON without params %s", b)
	}
	var back checks.Selection
	if err := json.Unmarshal([]byte(`{"allowedRegistries":["ghcr.io/acme"]}`), &back); err != nil || !reflect.DeepEqual(back.AllowedRegistries, []string{"ghcr.io/acme"}) {
		t.Errorf("selection round trip: %+v, %v", back, err)
	}

	both := c
	both.ID = "TEST-PARAMS-BOTH"
	both.Evaluate = func(*snapshot.Snapshot) []checks.Result { return nil }
	mustPanic(t, "both Evaluate and EvaluateParams", func() { checks.Register(both) })
	for _, r := range checks.Registered() {
		if strings.HasPrefix(r.ID, "TEST-PARAMS") {
			t.Fatalf("%s registered", r.ID)
		}
	}
}

// A check's own NOT_EVALUATED about the whole control survives a namespace filter: "no
// allow-list given" is about every namespace, and must not read as NOT_APPLICABLE.
func TestNotEvaluatedSurvivesNamespaceFilter(t *testing.T) {
	c := check("TEST-NS-OWN-NE", checks.Workload, checks.High, checks.References{}, results(
		checks.Result{Status: checks.NotEvaluated, Resource: checks.Resource{Kind: "Cluster"}, Reason: "no list given"}))
	rep := checks.Run(snapshot.New(), []checks.Check{c}, checks.Selection{Namespaces: []string{"shop"}})
	if got := rep.Controls[0]; got.Status != checks.NotEvaluated || got.Results[0].Reason != "no list given" {
		t.Errorf("under -n: %s %+v, want the check's NOT_EVALUATED", got.Status, got.Results)
	}
}
