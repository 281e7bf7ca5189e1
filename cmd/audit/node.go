package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	kubeposture "github.com/kubeposture/kubeposture"
	"github.com/kubeposture/kubeposture/nodeagent"
)

func newNodeCommand() *cobra.Command {
	var root, node, out string
	cmd := &cobra.Command{
		Use:   "node",
		Short: "Audit the node this runs on (kubelet, files, OS) into a JSON node report",
		Long: `node reads the kubelet's command line (from /proc) and config file, the static pod manifests,
the kubeconfig files, the PKI directory, the EncryptionConfiguration and audit policy of a
control-plane node, each file's mode and owner, and the OS, and prints a JSON node report.
Merge reports into a scan with 'audit scan --node-reports DIR' (or - for standard input).
It reads only; see examples/node-agent for a Job and a DaemonSet that run it.`,
		Example: `  audit node > node.json
  audit node --root /host --node "$NODE_NAME"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			rep, err := nodeagent.Collect(nodeagent.Options{Root: root, Node: node, ToolVersion: kubeposture.Version()})
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			if out != "" {
				f, err := os.Create(out)
				if err != nil {
					return fmt.Errorf("--output-file: %w", err)
				}
				defer f.Close()
				w = f
			}
			return nodeagent.WriteReport(w, rep)
		},
	}
	cmd.Flags().StringVar(&root, "root", "/", "the directory the node's root filesystem is mounted at (its /proc too)")
	cmd.Flags().StringVar(&node, "node", "", "the node's name (default $NODE_NAME, else the node's /etc/hostname)")
	cmd.Flags().StringVar(&out, "output-file", "", "write the report to this file instead of standard output")
	return cmd
}
