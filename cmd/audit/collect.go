package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/kubeposture/kubeposture/collect"
	"github.com/kubeposture/kubeposture/internal/privatefile"
	"github.com/kubeposture/kubeposture/internal/redact"
	"github.com/kubeposture/kubeposture/snapshot"
	"github.com/kubeposture/kubeposture/snapshot/snapfile"
)

// collectFlags are the collector's tuning flags, shared by scan and collect.
type collectFlags struct {
	qps         float32
	burst       int
	pageSize    int64
	timeout     time.Duration
	skipKubelet bool
	probeAnon   bool
}

func (f *collectFlags) add(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.Float32Var(&f.qps, "qps", 100, "client-side request rate limit (requests per second)")
	fl.IntVar(&f.burst, "burst", 200, "client-side request burst")
	fl.Int64Var(&f.pageSize, "page-size", 500, "objects per LIST page")
	fl.DurationVar(&f.timeout, "timeout", 10*time.Minute, "time limit for the whole collection")
	fl.BoolVar(&f.skipKubelet, "skip-kubelet", false, "do not read kubelet configuration through nodes/proxy (node checks report NOT_EVALUATED)")
	fl.BoolVar(&f.probeAnon, "probe-anonymous", false, "also send a few read-only GET requests without credentials, to see what the API server serves to anyone")
}

func (f *collectFlags) validate() error {
	switch {
	case f.qps <= 0:
		return fmt.Errorf("--qps must be positive, got %v", f.qps)
	case f.burst <= 0:
		return fmt.Errorf("--burst must be positive, got %d", f.burst)
	case f.pageSize <= 0:
		return fmt.Errorf("--page-size must be positive, got %d", f.pageSize)
	case f.timeout <= 0:
		return fmt.Errorf("--timeout must be positive, got %s", f.timeout)
	}
	return nil
}

// collectLive snapshots the cluster the kubeconfig flags point at. It stops when ctx is done
// (serve's SIGTERM) or on an interrupt (Ctrl-C), with an error rather than a partial snapshot.
func collectLive(ctx context.Context, kube *kubeFlags, f *collectFlags) (*snapshot.Snapshot, error) {
	return collectPlanned(ctx, kube, f, collect.All)
}

// collectPlanned is collectLive of what plan reads.
func collectPlanned(ctx context.Context, kube *kubeFlags, f *collectFlags, plan collect.Plan) (*snapshot.Snapshot, error) {
	if err := f.validate(); err != nil {
		return nil, err
	}
	cfg, err := kube.ToRESTConfig()
	if err != nil {
		return nil, fmt.Errorf("load the cluster configuration: %w (use --kubeconfig and --context, or run in a pod with a service account)", err)
	}
	opts := collect.Options{QPS: f.qps, Burst: f.burst, PageSize: f.pageSize, Timeout: f.timeout, SkipKubelet: f.skipKubelet, ProbeAnonymous: f.probeAnon, Plan: plan}
	if cfg.Timeout > 0 {
		opts.RequestTimeout = cfg.Timeout
	}
	if term.IsTerminal(int(os.Stderr.Fd())) {
		opts.Progress = os.Stderr
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()
	return collect.Collect(ctx, cfg, opts)
}

func newCollectCommand() *cobra.Command {
	kube := newKubeFlags()
	var cf collectFlags
	var imf imageFlags
	var out, format string
	var redactValues bool
	cmd := &cobra.Command{
		Use:   "collect -o FILE",
		Short: "Snapshot the cluster into a file, for an offline scan and as evidence",
		Long: `collect reads the cluster (read-only) and writes a snapshot: every object the checks read,
and for each kind whether it was collected, forbidden or failed. Secrets are recorded as
metadata and type only; config maps and literal env values as the cluster stores them, unless
--redact replaces those that look like secrets by their length and kind. The file is readable
by its owner only. Scan it later with 'audit scan --snapshot FILE'. The snapshot is a JSON
document, or with --snapshot-format binary a compressed binary form that scan reads several
times faster (both hold the same; scan reads either).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return fmt.Errorf("--output/-o is required: the file to write the snapshot to")
			}
			sf, err := snapfile.ParseFormat(format)
			if err != nil {
				return fmt.Errorf("--snapshot-format: %w", err)
			}
			if err := imf.validate(); err != nil {
				return err
			}
			snap, err := collectLive(cmd.Context(), kube, &cf)
			if err != nil {
				return err
			}
			if err := imf.apply(snap, cmd.ErrOrStderr()); err != nil {
				return err
			}
			if redactValues {
				redact.Snapshot(snap)
			}
			if out == "-" {
				return snapfile.WriteAs(cmd.OutOrStdout(), snap, sf)
			}
			// Readable by its owner only: a snapshot holds config maps and env values.
			if err := privatefile.WriteFile(out, func(w io.Writer) error { return snapfile.WriteAs(w, snap, sf) }); err != nil {
				return fmt.Errorf("--output %s: %w", out, err)
			}
			return nil
		},
	}
	cf.add(cmd)
	imf.add(cmd)
	cmd.Flags().StringVarP(&out, "output", "o", "", "file to write the snapshot to (- for standard output)")
	cmd.Flags().BoolVar(&redactValues, "redact", false, "replace each config map value and literal env value that looks like a secret (what KP-WL-042 and KP-WL-043 detect) by a record of its length and the kind of secret, which the checks read as the value: the verdicts stay, the value goes (the evidence bundle of 'audit scan --evidence' is redacted so by default)")
	cmd.Flags().StringVar(&format, "snapshot-format", string(snapfile.JSON), "form of the snapshot: json (for people and tools) or binary (compressed, read fastest)")
	kube.addFlags(cmd)
	return cmd
}
