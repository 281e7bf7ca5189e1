package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGatesFailClosed: through the CLI, each gate's exit code and one line naming the flag
// or file.
func TestGatesFailClosed(t *testing.T) {
	dir := t.TempDir()
	exceptions := filepath.Join(dir, "exceptions.yaml")
	if err := os.WriteFile(exceptions, []byte(`apiVersion: kubeposture.io/v1alpha1
kind: Exceptions
exceptions:
- control: KP-WL-999
  resource: {namespace: legacy}
  reason: typo
  owner: me
  expires: "2099-01-01"
`), 0o600); err != nil {
		t.Fatal(err)
	}
	snapCopy := filepath.Join(dir, "snap.json")
	b, err := os.ReadFile(demo)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(snapCopy, b, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		code int
		want []string
	}{
		// KP-WL-021 is NOT_EVALUATED without --allowed-registries: nothing evaluated.
		{[]string{"scan", "--snapshot", demo, "--control", "KP-WL-021"}, 1, []string{"0 of 1 selected controls were evaluated", "--min-evaluated 1"}},
		{[]string{"scan", "--snapshot", demo, "--control", "KP-WL-021", "--min-evaluated", "0"}, 0, nil},
		{[]string{"scan", "--snapshot", demo, "--fail-on", "none", "--min-evaluated", "500"}, 1, []string{"--min-evaluated 500"}},
		{[]string{"scan", "--snapshot", demo, "--fail-on", "none", "--fail-below-score", "50"}, 1, []string{"total score ", " is below --fail-below-score 50"}},
		{[]string{"scan", "--snapshot", demo, "--fail-on", "none", "--fail-below-score", "40"}, 0, nil},
		{[]string{"scan", "--snapshot", demo, "--fail-below-score", "101"}, 2, []string{"--fail-below-score 101"}},
		{[]string{"scan", "--snapshot", demo, "--min-evaluated", "-1"}, 2, []string{"--min-evaluated -1"}},
		{[]string{"scan", "--snapshot", demo, "--page-size", "-5"}, 2, []string{"--page-size"}},
		{[]string{"scan", "--snapshot", demo, "--max-controls", "-2"}, 2, []string{"--max-controls -2"}},
		{[]string{"scan", "--snapshot", demo, "-n", "payment"}, 2, []string{"-n/--namespace payment", "no such namespace"}},
		{[]string{"scan", "--snapshot", demo, "-n", "legacyy"}, 2, []string{"did you mean legacy?"}},
		{[]string{"scan", "--snapshot", snapCopy, "-o", snapCopy}, 2, []string{"--output", "snap.json", "destroy the input"}},
		{[]string{"scan", "--snapshot", demo, "--exceptions", exceptions}, 2, []string{"--exceptions", "exceptions.yaml#0", `"KP-WL-999"`}},
		{[]string{"serve", "--insecure-no-auth", "--snapshot", filepath.Join(dir, "missing.json")}, 2, []string{"--snapshot", "missing.json", "no such file"}},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			_, errOut, code := runCLI(t, tc.args...)
			if code != tc.code {
				t.Errorf("exit code %d, want %d: %s", code, tc.code, errOut)
			}
			if tc.want == nil {
				return
			}
			if lines := strings.Count(strings.TrimRight(errOut, "\n"), "\n"); lines != 0 {
				t.Errorf("message takes %d lines, want one: %q", lines+1, errOut)
			}
			for _, w := range tc.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("message %q does not mention %q", errOut, w)
				}
			}
		})
	}
	// Errors say the flag once.
	for _, args := range [][]string{{"scan", filepath.Join(dir, "nope.yaml")}, {"scan", "--snapshot", filepath.Join(dir, "nope.json")}} {
		_, errOut, code := runCLI(t, args...)
		flag := "--filename"
		if args[1] == "--snapshot" {
			flag = "--snapshot"
		}
		if code != 2 || strings.Count(errOut, flag) != 1 {
			t.Errorf("%q: exit %d, %q: want 2 and %s named once", args, code, errOut, flag)
		}
	}
	// The snapshot is untouched.
	if after, err := os.ReadFile(snapCopy); err != nil || string(after) != string(b) {
		t.Errorf("the snapshot given as --output changed: %v", err)
	}
}

// TestOutputConvention: -f/--format and -o/--output everywhere; the format follows the
// file's extension; the spellings of the release before still work, with a warning.
func TestOutputConvention(t *testing.T) {
	dir := t.TempDir()
	webs := demoPods(t, "shop", "web-")
	result := filepath.Join(dir, "result.json")
	if _, errOut, code := runCLI(t, "scan", "--snapshot", demo, "--fail-on", "none", "-o", result); code != 0 || errOut != "" {
		t.Fatalf("scan -o result.json: exit %d, %q", code, errOut)
	}
	for _, tc := range []struct {
		args      []string
		file      string // written, else stdout
		want      string
		deprecate bool
	}{
		{[]string{"report", "--from", result}, "", "Score = 100", false},
		{[]string{"report", "--from", result, "-o", filepath.Join(dir, "r.html")}, "r.html", "<!DOCTYPE html>", false},
		{[]string{"report", "--from", result, "-f", "sarif"}, "", `"version": "2.1.0"`, false},
		{[]string{"report", "--from", result, "--format", "markdown", "--output-file", filepath.Join(dir, "r.md")}, "r.md", "## kubeposture audit", true},
		{[]string{"scan", "--snapshot", demo, "--fail-on", "none", "--output", "json"}, "", `"schemaVersion"`, true},
		{[]string{"scan", "--snapshot", demo, "--fail-on", "none", "--output", "junit", "--output-file", filepath.Join(dir, "j.xml")}, "j.xml", "<testsuites", true},
		{[]string{"controls", "-f", "json"}, "", `"id": "KP-CP-001"`, false},
		{[]string{"controls", "--output", "markdown"}, "", "# Controls catalog", true},
		{[]string{"controls", "-o", filepath.Join(dir, "c.md")}, "c.md", "# Controls catalog", false},
		{[]string{"diff", result, result, "-f", "json"}, "", `"newFailures"`, false},
		{[]string{"diff", result, result, "-o", filepath.Join(dir, "d.md")}, "d.md", "#", false},
		{[]string{"netpol", "--snapshot", demo, "--from", webs[0].name, "--to", webs[len(webs)-1].name, "--port", "8080", "-f", "json"}, "", `"verdict"`, false},
		{[]string{"--version"}, "", "audit ", false},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			out, errOut, code := runCLI(t, tc.args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			if tc.file != "" {
				b, err := os.ReadFile(filepath.Join(dir, tc.file))
				if err != nil {
					t.Fatal(err)
				}
				out = string(b)
			}
			if !strings.Contains(out, tc.want) {
				t.Errorf("output lacks %q: %.300s", tc.want, out)
			}
			if got := strings.Contains(errOut, "deprecated"); got != tc.deprecate {
				t.Errorf("deprecation warning %v, want %v: %q", got, tc.deprecate, errOut)
			}
		})
	}
}
