package main

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/kubeposture/kubeposture/report"
	"github.com/kubeposture/kubeposture/snapshot"
)

// sarifFlags say where the results of a SARIF report point (report.SARIFOptions).
type sarifFlags struct {
	base      string
	artifacts string
}

func (f *sarifFlags) add(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.base, "sarif-base", "", "SARIF: the repository's root, that manifest paths (-f) and --sarif-artifacts are made relative to (%SRCROOT%) (default the working directory)")
	fl.StringVar(&f.artifacts, "sarif-artifacts", "", "SARIF: write the object each finding is about, as the snapshot holds it (a secret's metadata only), below this directory at the path the finding names (kubernetes/CLUSTER/NAMESPACE/KIND/NAME.yaml, _cluster for a cluster-scoped object), so that a repository that commits them shows each alert on its line")
}

// validate refuses the flags with another format, and a base that is not a directory.
func (f *sarifFlags) validate(format report.Format) error {
	if format != report.SARIF {
		for name, v := range map[string]string{"--sarif-base": f.base, "--sarif-artifacts": f.artifacts} {
			if v != "" {
				return fmt.Errorf("%s applies to the SARIF format: give --output sarif too", name)
			}
		}
		return nil
	}
	if f.base != "" {
		if st, err := os.Stat(f.base); err != nil {
			return fmt.Errorf("--sarif-base: %w", err)
		} else if !st.IsDir() {
			return fmt.Errorf("--sarif-base %s: not a directory", f.base)
		}
	}
	return nil
}

// options are the report options of the flags for a scan of snap; what the SARIF report
// leaves out is said on stderr.
func (f *sarifFlags) options(snap *snapshot.Snapshot, stderr io.Writer) report.SARIFOptions {
	base := f.base
	if base == "" {
		base = "."
	}
	return report.SARIFOptions{Base: base, Snapshot: snap, Artifacts: f.artifacts, Warn: stderr}
}
