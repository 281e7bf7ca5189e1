package main

import (
	"github.com/spf13/cobra"

	kubeposture "github.com/kubeposture/kubeposture"
)

func newRootCommand() *cobra.Command {
	return newRootCommandProfiled(&profiling{})
}

// newRootCommandProfiled is the root command whose --profile flags fill prof.
func newRootCommandProfiled(prof *profiling) *cobra.Command {
	root := &cobra.Command{
		Use:   "audit",
		Short: "Audit the security posture of a Kubernetes cluster",
		Long: `audit checks a live cluster, or a snapshot of one, against the CIS Kubernetes
Benchmark 1.12, the Pod Security Standards and the NSA/CISA Kubernetes Hardening Guide,
and reports every control's verdict with its evidence and remediation.`,
		SilenceUsage:      true,
		SilenceErrors:     true,
		PersistentPreRunE: prof.start,
	}
	prof.addFlags(root.PersistentFlags())
	root.Version = kubeposture.Version()
	root.SetVersionTemplate(versionLine() + "\n")

	// kubectl's connection flags and rules (--kubeconfig, KUBECONFIG, ~/.kube/config,
	// --context, and the in-cluster service account when run in a pod) are on the commands
	// that talk to a cluster only: scan, collect, netpol and serve.
	root.AddCommand(newScanCommand(), newCollectCommand(), newControlsCommand(), newVersionCommand())
	root.AddCommand(newNetpolCommand())
	root.AddCommand(newReportCommand())
	root.AddCommand(newDiffCommand())
	root.AddCommand(newVerifyCommand())
	root.AddCommand(newNodeCommand())
	root.AddCommand(newServeCommand())
	return root
}
