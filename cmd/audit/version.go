package main

import (
	"fmt"
	"runtime"

	"github.com/spf13/cobra"

	kubeposture "github.com/kubeposture/kubeposture"
	"github.com/kubeposture/kubeposture/snapshot"
)

func newVersionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version of audit and of the snapshot format it reads",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintln(cmd.OutOrStdout(), versionLine())
			return err
		},
	}
}

// versionLine is what 'audit version' and 'audit --version' print.
func versionLine() string {
	return fmt.Sprintf("audit %s (%s, snapshot %s)", kubeposture.Version(), runtime.Version(), snapshot.APIVersion)
}
