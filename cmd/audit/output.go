package main

import (
	"fmt"
	"io"
	"os"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/report"
)

// writeReport writes the report to path (--output-file), or to stdout when path is empty.
func writeReport(stdout io.Writer, path string, rep *checks.Report, format report.Format, opts report.Options) error {
	write := func(w io.Writer) error { return report.Write(w, rep, format, opts) }
	if path == "" {
		return write(stdout)
	}
	return writeFile(path, write)
}

// writeFile creates the file at path (--output-file) and writes it with write.
func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("--output-file: %w", err)
	}
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
