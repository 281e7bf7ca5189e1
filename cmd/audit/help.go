package main

import (
	"slices"
	"strings"

	"github.com/kubeposture/kubeposture/checks"
)

// Help texts name the values a flag accepts from the registries that define them
// (report.Formats, checks.Layers, checks.Frameworks, checks.Severities), so that a value
// added there is in the help too.

// names lists the names for a help text: "a, b, c".
func names[T ~string](list []T) string {
	s := make([]string, len(list))
	for i, v := range list {
		s[i] = string(v)
	}
	return strings.Join(s, ", ")
}

// nameList converts a registry's values to strings.
func nameList[T ~string](list []T) []string {
	out := make([]string, len(list))
	for i, v := range list {
		out[i] = string(v)
	}
	return out
}

// oneOf lists the names as alternatives: "a, b or c".
func oneOf[T ~string](list []T) string {
	if len(list) < 2 {
		return names(list)
	}
	return names(list[:len(list)-1]) + " or " + string(list[len(list)-1])
}

// frameworkNames are the values --framework accepts.
func frameworkNames() string {
	return names(slices.Concat(checks.Frameworks, []checks.Framework{checks.All}))
}
