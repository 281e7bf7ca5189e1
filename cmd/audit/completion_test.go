package main

import (
	"strings"
	"testing"
)

// TestCompletion: the shell completes flag values from the registries (cobra's __complete
// is what the completion scripts call).
func TestCompletion(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"scan", "--format", ""}, []string{"table", "json", "sarif", "oscal"}},
		{[]string{"report", "--format", ""}, []string{"html", "markdown"}},
		{[]string{"controls", "--format", ""}, []string{"table", "json", "markdown"}},
		{[]string{"scan", "--status", "FAIL,"}, []string{"FAIL,WARN", "FAIL,NOT_EVALUATED"}},
		{[]string{"scan", "--min-severity", ""}, []string{"critical", "info"}},
		{[]string{"scan", "--framework", ""}, []string{"cis-1.12", "pss-restricted", "nsa", "all"}},
		{[]string{"scan", "--layer", ""}, []string{"control-plane", "network"}},
		{[]string{"scan", "--control", ""}, []string{"KP-CP-001", "1.2.1", "KP-WL-001"}},
		{[]string{"scan", "--color", ""}, []string{"auto", "always", "never"}},
		{[]string{"serve", "--framework", ""}, []string{"cis-1.12"}},
	} {
		out, errOut, code := runCLI(t, append([]string{"__complete"}, tc.args...)...)
		if code != 0 {
			t.Errorf("%q: exit %d: %s", tc.args, code, errOut)
		}
		lines := strings.Split(out, "\n")
		for _, w := range tc.want {
			found := false
			for _, l := range lines {
				found = found || l == w
			}
			if !found {
				t.Errorf("%q: completions lack %q:\n%s", tc.args, w, out)
			}
		}
	}
	if out, _, _ := runCLI(t, "__complete", "scan", "--status", "FAIL,"); strings.Contains(out, "FAIL,FAIL\n") {
		t.Errorf("--status completion repeats a value given")
	}
}
