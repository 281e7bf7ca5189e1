package main

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// TestDocumentedCommandsParse: every audit command line in the README, docs/ and examples/
// (in code blocks and in backticks) names a command and flags that exist, with values of
// the right type; a renamed flag breaks this test, not a reader's first try.
func TestDocumentedCommandsParse(t *testing.T) {
	files := []string{"../../README.md"}
	for _, pattern := range []string{"../../docs/*.md", "../../examples/*/*.md", "../../examples/*.md"} {
		m, _ := filepath.Glob(pattern)
		files = append(files, m...)
	}
	inline := regexp.MustCompile("`((?:go run \\./cmd/audit|audit) [^`]+)`")
	n := 0
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(b), "\n") {
			var cmds []string
			trimmed := strings.TrimSpace(line)
			if strings.HasPrefix(trimmed, "audit ") || strings.HasPrefix(trimmed, "go run ./cmd/audit ") || strings.HasPrefix(trimmed, "sudo audit ") {
				cmds = append(cmds, trimmed)
			}
			for _, m := range inline.FindAllStringSubmatch(line, -1) {
				cmds = append(cmds, m[1])
			}
			for _, c := range cmds {
				args := commandArgs(c)
				if args == nil {
					continue
				}
				n++
				root := newRootCommand()
				root.InitDefaultCompletionCmd()
				root.InitDefaultVersionFlag()
				cmd, rest, err := root.Find(args)
				if err == nil {
					err = cmd.ParseFlags(rest)
				}
				// Prose names a flag (`audit scan --snapshot`) without its value.
				if err != nil && strings.Contains(err.Error(), "flag needs an argument") && strings.HasPrefix(args[len(args)-1], "-") {
					err = nil
				}
				// `audit --help` is a command the docs may show: the help is its answer.
				if errors.Is(err, pflag.ErrHelp) {
					err = nil
				}
				if err != nil {
					t.Errorf("%s:%d: %q: %v", file, i+1, c, err)
				}
			}
		}
	}
	if n < 20 {
		t.Errorf("only %d documented commands found: the extraction is broken", n)
	}
}

// commandArgs turns a documented command line into audit's arguments: the program, any
// comment, redirection or pipe after it removed. Nil for prose that only starts like one.
func commandArgs(line string) []string {
	line = strings.TrimPrefix(line, "sudo ")
	for _, cut := range []string{" #", " |", " >", " <", "; ", " &&"} {
		if i := strings.Index(line, cut); i >= 0 {
			line = line[:i]
		}
	}
	fields := strings.Fields(line)
	switch {
	case len(fields) >= 3 && fields[0] == "go" && fields[1] == "run":
		fields = fields[3:]
	case len(fields) >= 1 && fields[0] == "audit":
		fields = fields[1:]
	default:
		return nil
	}
	if len(fields) == 0 || strings.HasSuffix(line, "…") || strings.Contains(line, "...") {
		return nil
	}
	return fields
}
