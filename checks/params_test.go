package checks_test

import (
	"encoding/json"
	"fmt"
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
	allowed, err := checks.ParseAllowedRegistries([]string{"registry.example.com:5000"})
	if err != nil {
		t.Fatal(err)
	}
	sel := checks.Selection{Params: checks.Params{AllowedRegistries: allowed}}
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
	if err := json.Unmarshal([]byte(`{"allowedRegistries":["ghcr.io/acme"]}`), &back); err != nil || len(back.AllowedRegistries) != 1 || back.AllowedRegistries[0].String() != "ghcr.io/acme" {
		t.Errorf("selection round trip: %+v, %v", back, err)
	}
	if err := json.Unmarshal([]byte(`{"allowedRegistries":["ghcr.io/acme/app:1"]}`), &back); err == nil || !strings.Contains(err.Error(), `"ghcr.io/acme/app:1"`) {
		t.Errorf("a report with a bad entry: %v, want an error quoting it", err)
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

// The allow-list is parsed once, into its normal form; a bad entry is an error quoting it.
func TestParseAllowedRegistries(t *testing.T) {
	got, err := checks.ParseAllowedRegistries([]string{" index.docker.io ", "https://GHCR.io/acme/", "localhost:5000", "registry-1.docker.io/library"})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range got {
		names = append(names, r.String())
	}
	if want := []string{"docker.io", "ghcr.io/acme", "localhost:5000", "docker.io/library"}; !reflect.DeepEqual(names, want) {
		t.Errorf("got %q, want %q", names, want)
	}
	for _, bad := range []string{"", " / ", "nginx@sha256:abc", "ghcr.io/acme/app:1"} {
		if _, err := checks.ParseAllowedRegistries([]string{"ghcr.io", bad}); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("%q", bad)) {
			t.Errorf("%q: error %v, want one quoting the entry", bad, err)
		}
	}
}

func TestAllowedRegistryAllows(t *testing.T) {
	for _, tt := range []struct {
		entry, domain, path string
		want                bool
	}{
		{"ghcr.io/acme", "ghcr.io", "acme/app", true},
		{"ghcr.io/acme", "ghcr.io", "acme", true},
		{"ghcr.io/acme", "ghcr.io", "acme-evil/app", false},
		{"ghcr.io/acme", "quay.io", "acme/app", false},
		{"Registry.Example.com", "registry.example.com", "team/app", true},
		{"registry.example.com", "REGISTRY.example.com", "app", true},
		{"registry.example.com", "registry.example.com:5000", "app", false},
		{"index.docker.io", "docker.io", "library/nginx", true},
		{"docker.io/library", "docker.io", "bitnami/redis", false},
	} {
		r, err := checks.ParseAllowedRegistry(tt.entry)
		if err != nil {
			t.Fatal(err)
		}
		if got := r.Allows(tt.domain, tt.path); got != tt.want {
			t.Errorf("%s allows %s/%s: %v, want %v", tt.entry, tt.domain, tt.path, got, tt.want)
		}
	}
}
