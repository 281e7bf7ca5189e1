package main

import (
	"crypto"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kubeposture/kubeposture/evidence"
)

func newVerifyCommand() *cobra.Command {
	var keyPath string
	cmd := &cobra.Command{
		Use:   "verify BUNDLE",
		Short: "Check an evidence bundle's file hashes and signature",
		Long: `verify checks an evidence bundle written by 'audit scan --evidence' (a directory or a
.tar.gz): every file's SHA-256 against the manifest, no file missing or added, the in-toto
statement's subjects, and the manifest's signature. With --key the signature must verify
with that public key; without it, with the bundle's own signer.pub.pem, which proves the
bundle is intact but not who signed it. Exit code 0 when everything matches; 2 when something
does not (each mismatch is listed on standard output and summed up on standard error) or the
bundle cannot be read.`,
		Example: `  audit verify evidence/
  audit verify --key signer.pub.pem evidence.tar.gz`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var trusted crypto.PublicKey
			if keyPath != "" {
				data, err := os.ReadFile(keyPath)
				if err != nil {
					return fmt.Errorf("--key: %w", err)
				}
				if trusted, err = evidence.ParsePublicKey(data); err != nil {
					return fmt.Errorf("--key %s: %w", keyPath, err)
				}
			}
			res, err := evidence.Verify(args[0], trusted)
			if err != nil {
				return fmt.Errorf("verify %s: %w", args[0], err)
			}
			out := cmd.OutOrStdout()
			if m := res.Manifest; m != nil {
				fmt.Fprintf(out, "bundle %s: cluster %s (uid %s), collected %s, written %s by kubeposture %s, catalog %s, %d files\n",
					args[0], m.Cluster.Server, m.Cluster.UID, m.CollectedAt.UTC().Format("2006-01-02T15:04:05Z"),
					m.CreatedAt.UTC().Format("2006-01-02T15:04:05Z"), m.ToolVersion, m.CatalogVersion, len(m.Files))
			}
			switch {
			case !res.Signed:
				fmt.Fprintln(out, "signature: none (the bundle is not signed)")
			case res.KeyFromBundle:
				fmt.Fprintf(out, "signature: checked with the bundle's own key %s; pass --key to check who signed\n", res.KeyFingerprint)
			default:
				fmt.Fprintf(out, "signature: checked with key %s\n", res.KeyFingerprint)
			}
			if res.OK() {
				fmt.Fprintln(out, "OK: every file matches the manifest")
				return nil
			}
			for _, p := range res.Problems {
				fmt.Fprintf(out, "MISMATCH %s\n", p)
			}
			files := make([]string, 0, len(res.Problems))
			for _, p := range res.Problems {
				files = append(files, p.File)
			}
			return fmt.Errorf("verify %s: FAILED, %d mismatch(es) in %s", args[0], len(res.Problems), strings.Join(files, ", "))
		},
	}
	cmd.Flags().StringVar(&keyPath, "key", "", "the signer's public key (PEM), to check who signed the manifest")
	return cmd
}
