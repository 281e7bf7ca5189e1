package main

import (
	"slices"

	"github.com/spf13/cobra"

	"github.com/kubeposture/kubeposture/checks"
)

// addSelectionCompletion completes the values of the selection flags of scan and serve
// from the registries: frameworks, layers, controls (ids, CIS ids, NSA/CISA areas), and
// --fail-on's severities.
func addSelectionCompletion(cmd *cobra.Command) {
	complete := map[string]cobra.CompletionFunc{
		"framework": listCompletion(append(nameList(checks.Frameworks), string(checks.All))...),
		"layer":     listCompletion(nameList(checks.Layers)...),
		"control":   listCompletion(controlNames()...),
		"fail-on":   fixedCompletion(append(nameList(checks.Severities), "none")...),
	}
	for name, f := range complete {
		if cmd.Flags().Lookup(name) != nil {
			_ = cmd.RegisterFlagCompletionFunc(name, f)
		}
	}
}

// controlNames are the values --control accepts: control ids, and the framework items they
// decide.
func controlNames() []string {
	var out []string
	for _, c := range checks.Registered() {
		out = append(out, c.ID)
		out = append(out, c.References.CIS...)
		out = append(out, c.References.NSA...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}
