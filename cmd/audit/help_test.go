package main

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/report"
)

// helpRegistries are the registries whose values help texts list.
var helpRegistries = map[string][]string{
	"formats":         nameList(report.Formats),
	"catalog formats": nameList(report.CatalogFormats),
	"drift formats":   nameList(report.DriftFormats),
	"layers":          nameList(checks.Layers),
	"frameworks":      append(nameList(checks.Frameworks), string(checks.All)),
	"severities":      nameList(checks.Severities),
}

// helpLists are the help texts that list a registry's values: the command, the text (short,
// long, or a flag's usage), the registry, and a pattern whose group is the list.
var helpLists = []struct {
	command, text, registry, pattern string
}{
	{"scan", "--framework", "frameworks", `frameworks to check: (.+?) \(default all`},
	{"scan", "--layer", "layers", `layers to check: (.+?) \(default all\)`},
	{"scan", "--format", "formats", `format: (.+?) \(default`},
	{"scan", "--fail-on", "severities", `fails: (.+?) \(any FAIL\)`},
	{"scan", "--min-severity", "severities", `or higher: (.+)$`},
	{"report", "long", "formats", `renders it as (.+?)\.\n`},
	{"report", "--format", "formats", `format: (.+?) \(default`},
	{"report", "--min-severity", "severities", `or higher: (.+)$`},
	{"controls", "short", "catalog formats", `catalog \((.+)\)`},
	{"controls", "--format", "catalog formats", `format: (.+?) \(default`},
	{"diff", "--format", "drift formats", `format: (.+?) \(default`},
	{"diff", "--fail-on", "severities", `appears: (.+?) \(any\)`},
}

// helpTexts returns every help text of the command tree: "short", "long" and each flag's
// usage by its name, per command path ("scan", "audit" for the root).
func helpTexts(root *cobra.Command) map[string]map[string]string {
	out := map[string]map[string]string{}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		path := strings.TrimPrefix(strings.TrimPrefix(c.CommandPath(), root.Name()), " ")
		if path == "" {
			path = root.Name()
		}
		texts := map[string]string{"short": c.Short, "long": c.Long}
		c.LocalFlags().VisitAll(func(f *pflag.Flag) { texts["--"+f.Name] = f.Usage })
		out[path] = texts
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	return out
}

// TestHelpListsRegistries: a help text that lists formats, layers, frameworks or severities
// lists exactly the registry's values (none it lacks, none missing), and every help text that
// names three or more values of a registry is one of those checked here, so that a list typed
// by hand in a new flag does not go unseen.
func TestHelpListsRegistries(t *testing.T) {
	texts := helpTexts(newRootCommand())
	checked := map[[2]string]bool{}
	for _, l := range helpLists {
		checked[[2]string{l.command, l.text}] = true
		text, ok := texts[l.command][l.text]
		if !ok {
			t.Errorf("audit %s has no %s", l.command, l.text)
			continue
		}
		m := regexp.MustCompile(l.pattern).FindStringSubmatch(text)
		if m == nil {
			t.Errorf("audit %s %s: %q does not match %s", l.command, l.text, text, l.pattern)
			continue
		}
		var got []string
		for _, part := range strings.Split(m[1], ", ") {
			got = append(got, strings.Split(part, " or ")...)
		}
		if want := helpRegistries[l.registry]; !slices.Equal(got, want) {
			t.Errorf("audit %s %s lists the %s %q, the registry has %q", l.command, l.text, l.registry, got, want)
		}
	}
	word := func(text, name string) bool {
		return regexp.MustCompile(`(^|[^\w.-])` + regexp.QuoteMeta(name) + `($|[^\w-])`).MatchString(text)
	}
	for cmd, ts := range texts {
		for key, text := range ts {
			for reg, values := range helpRegistries {
				n := 0
				for _, v := range values {
					if word(text, v) {
						n++
					}
				}
				if n >= 3 && !checked[[2]string{cmd, key}] {
					t.Errorf("audit %s %s names %d %s (%q): build the list from the registry and check it in helpLists", cmd, key, n, reg, text)
				}
			}
		}
	}
}
