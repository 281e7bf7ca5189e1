package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/report"
)

func newDiffCommand() *cobra.Command {
	var of outputFlags
	var failOn string
	cmd := &cobra.Command{
		Use:   "diff OLD.json NEW.json",
		Short: "Compare two saved scans of one cluster: new failures, fixed ones, changed evidence",
		Long: `diff compares two results written by 'audit scan -f json' for the same cluster,
matching results by control and resource. Exit code 1 when new failures appear (at or above
--fail-on), for drift alerts; 0 otherwise; 2 on error (for example, two different clusters).`,
		Example: `  audit diff last-week.json today.json
  audit diff --fail-on high -f markdown old.json new.json`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			name, err := of.resolve(cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			for _, in := range args {
				if err := sameFile("--output", of.output, "the result", in); err != nil {
					return err
				}
			}
			threshold, err := parseFailOn(failOn)
			if err != nil {
				return err
			}
			old, err := report.ReadJSONFile(args[0])
			if err != nil {
				return err
			}
			cur, err := report.ReadJSONFile(args[1])
			if err != nil {
				return err
			}
			d, err := report.Compare(old, cur)
			if err != nil {
				return fmt.Errorf("%s and %s: %w", args[0], args[1], err)
			}
			if err := of.write(cmd.OutOrStdout(), func(w io.Writer) error { return report.WriteDrift(w, d, report.Format(name)) }); err != nil {
				return err
			}
			if threshold >= 0 {
				if n := d.NewFailuresAtOrAbove(threshold); n > 0 {
					return &failuresError{count: n, threshold: failOn + " (new since " + args[0] + ")"}
				}
			}
			return nil
		},
	}
	addOutputFlags(cmd, &of, report.DriftFormats, report.Table, false)
	cmd.Flags().StringVar(&failOn, "fail-on", "info", "exit 1 when a new failure of this severity or higher appears: "+names(checks.Severities)+" (any); none never fails")
	return cmd
}
