package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/report"
)

func newControlsCommand() *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "controls",
		Short: "List the controls catalog (" + oneOf(report.CatalogFormats) + ")",
		Long: `controls prints every control kubeposture checks: its id, layer, severity, the framework
ids it implements (CIS 1.12, Pod Security Standards, NSA), what it checks and how to fix it.
docs/controls.md is generated with 'audit controls --output markdown'.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := report.ParseCatalogFormat(output)
			if err != nil {
				return fmt.Errorf("--output: %w", err)
			}
			var controls []checks.Control
			for _, c := range checks.Registered() {
				controls = append(controls, c.Control)
			}
			return report.WriteCatalog(cmd.OutOrStdout(), controls, f)
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "table", "catalog format: "+oneOf(report.CatalogFormats))
	return cmd
}
