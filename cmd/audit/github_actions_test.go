package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"
	"sigs.k8s.io/yaml"

	"github.com/kubeposture/kubeposture/report"
)

// workflow is the part of a GitHub Actions workflow the test reads.
type workflow struct {
	Jobs map[string]struct {
		Steps []struct {
			Name string            `json:"name"`
			Run  string            `json:"run"`
			Uses string            `json:"uses"`
			With map[string]string `json:"with"`
		} `json:"steps"`
	} `json:"jobs"`
}

// TestGitHubActionsWorkflows: every `audit` command of the example workflows is one the CLI
// accepts (a command that exists, flags it knows with values it takes, the arguments it
// allows), each workflow uploads a SARIF log with upload-sarif, and that log is the file an
// audit command writes.
func TestGitHubActionsWorkflows(t *testing.T) {
	files, err := filepath.Glob("../../examples/github-actions/*.yml")
	if err != nil || len(files) < 2 {
		t.Fatalf("workflows: %v, %v", files, err)
	}
	// Variables expand to placeholders: the flags' values, not the runner's, are checked.
	env := expand.FuncEnviron(func(name string) string { return "/" + strings.ToLower(name) })
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var wf workflow
			if err := yaml.Unmarshal(data, &wf); err != nil || len(wf.Jobs) == 0 {
				t.Fatalf("no jobs: %v", err)
			}
			var commands int
			var outputs, uploads []string
			for job, j := range wf.Jobs {
				for _, step := range j.Steps {
					if strings.HasPrefix(step.Uses, "github/codeql-action/upload-sarif@") {
						uploads = append(uploads, step.With["sarif_file"])
					}
					if step.Run == "" {
						continue
					}
					script, err := syntax.NewParser().Parse(strings.NewReader(step.Run), job+"/"+step.Name)
					if err != nil {
						t.Fatalf("%s %q: the script does not parse: %v", job, step.Name, err)
					}
					syntax.Walk(script, func(n syntax.Node) bool {
						call, ok := n.(*syntax.CallExpr)
						if !ok || len(call.Args) == 0 || call.Args[0].Lit() != "audit" {
							return true
						}
						var argv []string
						for _, w := range call.Args[1:] {
							s, err := expand.Literal(&expand.Config{Env: env}, w)
							if err != nil {
								t.Fatalf("%s %q: %v", job, step.Name, err)
							}
							argv = append(argv, s)
						}
						commands++
						if out := checkCommand(t, argv); out != "" {
							outputs = append(outputs, out)
						}
						return true
					})
				}
			}
			if commands == 0 {
				t.Fatal("no audit command")
			}
			if len(uploads) == 0 {
				t.Fatal("no upload-sarif step")
			}
			for _, u := range uploads {
				found := false
				for _, o := range outputs {
					// The upload names the file as the workflow sees it: ${{ runner.temp }} is $RUNNER_TEMP.
					found = found || strings.ReplaceAll(u, "${{ runner.temp }}", "/runner_temp") == o
				}
				if !found {
					t.Errorf("upload-sarif uploads %q, which no audit command writes (%v)", u, outputs)
				}
			}
		})
	}
}

// checkCommand fails the test unless the CLI accepts argv as the arguments of `audit`, and
// returns the SARIF file it writes, if any.
func checkCommand(t *testing.T, argv []string) string {
	t.Helper()
	root := newRootCommand()
	cmd, args, err := root.Find(argv)
	if err != nil || cmd == root {
		t.Errorf("audit %s: no such command: %v", strings.Join(argv, " "), err)
		return ""
	}
	if err := cmd.ParseFlags(args); err != nil {
		t.Errorf("audit %s: %v", strings.Join(argv, " "), err)
		return ""
	}
	if err := cmd.ValidateArgs(cmd.Flags().Args()); err != nil {
		t.Errorf("audit %s: %v", strings.Join(argv, " "), err)
	}
	fl := cmd.Flags()
	// The values the command checks itself before it runs.
	if f := fl.Lookup("format"); f != nil && f.Value.String() != "" {
		if _, err := report.ParseFormat(f.Value.String()); err != nil {
			t.Errorf("audit %s: --format: %v", strings.Join(argv, " "), err)
		}
	}
	if f := fl.Lookup("fail-on"); f != nil {
		if _, err := parseFailOn(f.Value.String()); err != nil {
			t.Errorf("audit %s: %v", strings.Join(argv, " "), err)
		}
	}
	if f := fl.Lookup("format"); f == nil || f.Value.String() != "sarif" {
		return ""
	}
	if f := fl.Lookup("output"); f != nil {
		return f.Value.String()
	}
	return ""
}
