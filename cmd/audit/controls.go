package main

import (
	"io"

	"github.com/spf13/cobra"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/report"
)

func newControlsCommand() *cobra.Command {
	var of outputFlags
	cmd := &cobra.Command{
		Use:   "controls",
		Short: "List the controls catalog (" + oneOf(report.CatalogFormats) + ")",
		Long: `controls prints every control kubeposture checks: its id, layer, severity, the framework
ids it implements (CIS 1.12, Pod Security Standards, NSA), what it checks and how to fix it.
docs/controls.md is generated with 'audit controls -f markdown -o docs/controls.md'.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			name, err := of.resolve(cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			var controls []checks.Control
			for _, c := range checks.Registered() {
				controls = append(controls, c.Control)
			}
			return of.write(cmd.OutOrStdout(), func(w io.Writer) error {
				return report.WriteCatalog(w, controls, report.CatalogFormat(name))
			})
		},
	}
	addOutputFlags(cmd, &of, report.CatalogFormats, report.CatalogTable, false)
	return cmd
}
