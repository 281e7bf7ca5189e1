package main

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/report"
)

func newReportCommand() *cobra.Command {
	var from, format, outputFile string
	var maxResources int
	var xf exceptionFlags
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Re-render a saved JSON result in another format, without the cluster",
		Long: "report reads a result written by 'audit scan --output json' and renders it in another\nformat (" +
			report.FormatList() + ").\nVerdicts are those of the saved result: nothing is re-checked.",
		Example: `  audit scan --output json --output-file result.json
  audit report --from result.json --format html --output-file report.html
  audit report --from result.json --format sarif --output-file report.sarif`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if from == "" {
				return fmt.Errorf("--from: give the JSON result to render (from 'audit scan --output json')")
			}
			f, err := report.ParseFormat(format)
			if err != nil {
				return fmt.Errorf("--format: %w", err)
			}
			if err := xf.load(); err != nil {
				return err
			}
			rep, err := report.ReadJSONFile(from)
			if err != nil {
				return fmt.Errorf("--from: %w", err)
			}
			xf.apply(rep, nil)
			return writeReportOpts(cmd.OutOrStdout(), outputFile, rep, f, report.Options{MaxResources: maxResources})
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&from, "from", "", "the JSON result to render (from 'audit scan --output json')")
	fl.StringVar(&format, "format", "html", "format: "+report.FormatList())
	fl.StringVarP(&outputFile, "output-file", "o", "", "write to this file instead of standard output")
	fl.IntVar(&maxResources, "max-resources", 0, "resources listed per control in the table and markdown formats (0: 10, -1: all)")
	xf.add(cmd, false)
	return cmd
}

// writeReportOpts writes the report to path, or to stdout when path is empty.
func writeReportOpts(stdout io.Writer, path string, rep *checks.Report, format report.Format, opts report.Options) error {
	if path == "" {
		return report.Write(stdout, rep, format, opts)
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("--output-file: %w", err)
	}
	if err := report.Write(f, rep, format, opts); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
