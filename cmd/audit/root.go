package main

import (
	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericclioptions"
)

func newRootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "audit",
		Short: "Audit the security posture of a Kubernetes cluster",
		Long: `audit checks a live cluster, or a snapshot of one, against the CIS Kubernetes
Benchmark 1.12, the Pod Security Standards and the NSA/CISA Kubernetes Hardening Guide,
and reports every control's verdict with its evidence and remediation.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	// kubectl's connection flags and rules: --kubeconfig, KUBECONFIG, ~/.kube/config,
	// --context, and the in-cluster service account when run in a pod.
	kube := genericclioptions.NewConfigFlags(true)
	kube.Password, kube.Username = nil, nil // basic auth is gone from Kubernetes
	kube.CacheDir = nil
	kube.AddFlags(root.PersistentFlags())

	root.AddCommand(newScanCommand(kube), newCollectCommand(kube), newControlsCommand(), newVersionCommand())
	root.AddCommand(newNetpolCommand(kube))
	root.AddCommand(newReportCommand())
	root.AddCommand(newDiffCommand())
	root.AddCommand(newVerifyCommand())
	root.AddCommand(newNodeCommand())
	root.AddCommand(newServeCommand(kube))
	return root
}
