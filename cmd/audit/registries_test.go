package main

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/kubeposture/kubeposture/checks"
)

// TestAllowedRegistriesFlag: --allowed-registries reaches KP-WL-021 and the report's selection
// records the normalised list; without it the control is NOT_EVALUATED and says how to give it.
func TestAllowedRegistriesFlag(t *testing.T) {
	var recorded []string // the selection's allowedRegistries, as the JSON report writes them
	scan := func(extra ...string) checks.Report {
		t.Helper()
		out, errOut, _ := runCLI(t, append([]string{"scan", "--snapshot", demo, "--control", "KP-WL-021", "--output", "json"}, extra...)...)
		var rep checks.Report
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatalf("report is not JSON (%v); stderr: %s", err, errOut)
		}
		if len(rep.Controls) != 1 {
			t.Fatalf("%d controls, want 1", len(rep.Controls))
		}
		var raw struct {
			Selection struct {
				AllowedRegistries []string `json:"allowedRegistries"`
			} `json:"selection"`
		}
		if err := json.Unmarshal([]byte(out), &raw); err != nil {
			t.Fatal(err)
		}
		recorded = raw.Selection.AllowedRegistries
		return rep
	}

	rep := scan()
	c := rep.Controls[0]
	if c.Status != checks.NotEvaluated || !strings.Contains(c.Results[0].Reason, "--allowed-registries") {
		t.Errorf("without the flag: %s %q, want NOT_EVALUATED naming the flag", c.Status, c.Results[0].Reason)
	}

	// The demo runs registry.example.com images, and admin-tool:latest from Docker Hub.
	rep = scan("--allowed-registries", "https://Registry.Example.com/")
	if want := []string{"registry.example.com"}; !reflect.DeepEqual(recorded, want) {
		t.Errorf("selection records %q, want %q", recorded, want)
	}
	failed := map[string]bool{}
	for _, r := range rep.Controls[0].Results {
		if r.Status == checks.Fail {
			failed[r.Resource.String()] = true
		}
	}
	if !failed["Deployment/legacy/admin-tool"] || failed["Deployment/shop/web"] || len(failed) == 0 {
		t.Errorf("failed %v: want Deployment/legacy/admin-tool (docker.io) and not Deployment/shop/web", failed)
	}

	rep = scan("--allowed-registries", "registry.example.com,docker.io/library,registry.k8s.io")
	if st := rep.Controls[0].Status; st == checks.Fail || st == checks.NotEvaluated {
		t.Errorf("with docker.io/library and registry.k8s.io allowed too: %s, want no FAIL", st)
	}

	_, errOut, code := runCLI(t, "scan", "--snapshot", demo, "--allowed-registries", "ghcr.io,ghcr.io/acme/app:1")
	if code != 2 || !strings.Contains(errOut, "--allowed-registries") || !strings.Contains(errOut, `"ghcr.io/acme/app:1"`) {
		t.Errorf("bad entry: exit %d, stderr %q; want 2 naming the flag and the entry", code, errOut)
	}
}
