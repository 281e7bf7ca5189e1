package main

import (
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	kubeposture "github.com/kubeposture/kubeposture"
	"github.com/kubeposture/kubeposture/nodeagent"
)

func newNodeCommand() *cobra.Command {
	var root, node, out string
	var interval time.Duration
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
			if interval != 0 && out != "" {
				return fmt.Errorf("--interval prints a report each time: it cannot be combined with --output-file")
			}
			for {
				rep, err := nodeagent.Collect(nodeagent.Options{Root: root, Node: node, ToolVersion: kubeposture.Version()})
				if err != nil {
					return err
				}
				if out != "" {
					return writeFile(out, func(w io.Writer) error { return nodeagent.WriteReport(w, rep) })
				}
				if err := nodeagent.WriteReport(cmd.OutOrStdout(), rep); err != nil || interval <= 0 {
					return err
				}
				select {
				case <-cmd.Context().Done():
					return nil
				case <-time.After(interval):
				}
			}
		},
	}
	cmd.Flags().StringVar(&root, "root", "/", "the directory the node's root filesystem is mounted at (its /proc too)")
	cmd.Flags().StringVar(&node, "node", "", "the node's name (default $NODE_NAME, else the node's /etc/hostname)")
	cmd.Flags().StringVar(&out, "output-file", "", "write the report to this file instead of standard output")
	cmd.Flags().DurationVar(&interval, "interval", 0, "run again at this interval, printing one report each time (for a DaemonSet); 0 runs once")
	return cmd
}
