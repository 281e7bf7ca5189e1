package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/kubeposture/kubeposture/report"
)

func newReportCommand() *cobra.Command {
	var from string
	var of outputFlags
	var tf tableFlags
	var xf exceptionFlags
	cmd := &cobra.Command{
		Use:   "report --from RESULT.json",
		Short: "Re-render a saved JSON result in another format, without the cluster",
		Long: `report reads a result written by 'audit scan -f json' and renders it as ` + oneOf(report.Formats) + `.
The format is --format, else the one --output's extension names (.html, .sarif, .json, .xml,
.md), else the table: a terminal gets the table, not a page of HTML.
Verdicts are those of the saved result: nothing is re-checked.`,
		Example: `  audit scan -o result.json
  audit report --from result.json
  audit report --from result.json -o report.html
  audit report --from result.json -f sarif -o report.sarif`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if from == "" {
				return fmt.Errorf("--from: give the JSON result to render (from 'audit scan -f json')")
			}
			name, err := of.resolve(cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			opts, err := tf.options(cmd, &of, name)
			if err != nil {
				return err
			}
			if err := sameFile("--output", of.output, "--from", from); err != nil {
				return err
			}
			if err := xf.load(); err != nil {
				return err
			}
			rep, err := report.ReadJSONFile(from)
			if err != nil {
				return fmt.Errorf("--from: %w", err)
			}
			xf.apply(rep, nil)
			return of.write(tf.stdout(cmd), func(w io.Writer) error { return report.Write(w, rep, report.Format(name), opts) })
		},
	}
	cmd.Flags().StringVar(&from, "from", "", "the JSON result to render (from 'audit scan -f json')")
	addOutputFlags(cmd, &of, report.Formats, report.Table, true)
	tf.add(cmd)
	xf.add(cmd, false)
	return cmd
}
