package main

import (
	"crypto"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kubeposture/kubeposture/evidence"
	"github.com/kubeposture/kubeposture/internal/sizelimit"
)

func newVerifyCommand() *cobra.Command {
	var keyPath string
	var allowUnsigned bool
	cmd := &cobra.Command{
		Use:   "verify BUNDLE",
		Short: "Check an evidence bundle's file hashes and signature",
		Long: `verify checks an evidence bundle written by 'audit scan --evidence' (a directory or a
.tar.gz): every file's SHA-256 against the manifest, no file missing or added, the in-toto
statement's subjects, and the manifest's signature with --key, the signer's public key.
Without --key nothing proves who wrote the bundle (anyone can change it and sign it again with
a key of their own), so it does not verify unless --allow-unsigned accepts integrity alone:
the files are then checked against the manifest (and a signature against the bundle's own
signer.pub.pem), with a warning. Files are hashed as they are read; a bundle larger than one
can be, a file larger than its manifest says, or a sparse or special archive entry is refused
unread. Exit code 0 when everything matches; 2 when something does not (each mismatch is
listed on standard output and summed up on standard error), the signer is not proven, or the
bundle cannot be read.`,
		Example: `  audit verify --key signer.pub.pem evidence.tar.gz
  audit verify --allow-unsigned evidence/     # integrity only: who wrote it is not checked`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if keyPath != "" && allowUnsigned {
				return fmt.Errorf("--key and --allow-unsigned: give one (--key checks who signed; --allow-unsigned accepts a bundle without that check)")
			}
			var trusted crypto.PublicKey
			if keyPath != "" {
				data, err := sizelimit.ReadFile(keyPath, sizelimit.KeyFile, "a key file")
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
				fmt.Fprintf(out, "signature: checked with the bundle's own key %s, which proves nothing about who signed\n", res.KeyFingerprint)
			default:
				fmt.Fprintf(out, "signature: checked with key %s\n", res.KeyFingerprint)
			}
			if !res.OK() {
				for _, p := range res.Problems {
					fmt.Fprintf(out, "MISMATCH %s\n", p)
				}
				files := make([]string, 0, len(res.Problems))
				for _, p := range res.Problems {
					files = append(files, p.File)
				}
				return fmt.Errorf("verify %s: FAILED, %d mismatch(es) in %s", args[0], len(res.Problems), strings.Join(files, ", "))
			}
			if trusted == nil && !allowUnsigned {
				fmt.Fprintln(out, "NOT VERIFIED: the files match the manifest, but no --key says who signed it")
				return fmt.Errorf("verify %s: no --key: anyone could have changed the bundle and signed it again; pass --key with the signer's public key, or --allow-unsigned to accept integrity alone", args[0])
			}
			if trusted == nil {
				fmt.Fprintf(cmd.ErrOrStderr(), "audit: warning: --allow-unsigned: %s was not checked against a key you trust: its files match its own manifest, which anyone could have rewritten\n", args[0])
				fmt.Fprintln(out, "OK (integrity only, --allow-unsigned): every file matches the manifest")
				return nil
			}
			fmt.Fprintln(out, "OK: every file matches the manifest")
			return nil
		},
	}
	cmd.Flags().StringVar(&keyPath, "key", "", "the signer's public key (PEM): required to verify, unless --allow-unsigned")
	cmd.Flags().BoolVar(&allowUnsigned, "allow-unsigned", false, "accept a bundle without checking who signed it (unsigned, or signed by any key): its files against its manifest only, with a warning")
	return cmd
}
