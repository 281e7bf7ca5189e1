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
			_, err := fmt.Fprintf(cmd.OutOrStdout(), "audit %s (%s, snapshot %s)\n", kubeposture.Version(), runtime.Version(), snapshot.APIVersion)
			return err
		},
	}
}
