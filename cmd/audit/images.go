package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"github.com/spf13/cobra"

	"github.com/kubeposture/kubeposture/imagescan"
	"github.com/kubeposture/kubeposture/snapshot"
)

// imageFlags turn on the vulnerability scan of the running images, shared by scan and
// collect.
type imageFlags struct {
	scan        bool
	server      string
	cacheDir    string
	timeout     time.Duration
	concurrency int
}

func (f *imageFlags) add(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.BoolVar(&f.scan, "scan-images", false, "scan each distinct image the pods run (once per digest) for vulnerabilities with Trivy, against --trivy-server or the database in --trivy-cache-dir; images are pulled anonymously or with your Docker config credentials (imagePullSecrets are never read)")
	fl.StringVar(&f.server, "trivy-server", "", "with --scan-images: URL of a Trivy server ('trivy server', client/server mode), which holds the vulnerability database")
	fl.StringVar(&f.cacheDir, "trivy-cache-dir", "", "with --scan-images: a Trivy cache directory holding the vulnerability database (db/trivy.db and db/metadata.json, as 'trivy image --download-db-only --cache-dir DIR' leaves them, copied in for air-gapped use); it is never downloaded")
	fl.DurationVar(&f.timeout, "image-scan-timeout", imagescan.DefaultTimeout, "with --scan-images: time limit for scanning one image; an image over it is reported as not scanned")
	fl.IntVar(&f.concurrency, "image-concurrency", imagescan.DefaultConcurrency, "with --scan-images: how many images are scanned at once")
}

// validate checks the flags before any (long) collection.
func (f *imageFlags) validate() error {
	if !f.scan {
		if f.server != "" || f.cacheDir != "" {
			return fmt.Errorf("--trivy-server and --trivy-cache-dir configure the image scan: add --scan-images")
		}
		return nil
	}
	switch {
	case f.server == "" && f.cacheDir == "":
		return fmt.Errorf("--scan-images needs a vulnerability database: give --trivy-server URL (a Trivy server) or --trivy-cache-dir DIR (a database copied in with `trivy image --download-db-only --cache-dir DIR`)")
	case f.server != "" && f.cacheDir != "":
		return fmt.Errorf("--trivy-server and --trivy-cache-dir both name the vulnerability database: give one")
	case f.timeout <= 0:
		return fmt.Errorf("--image-scan-timeout must be positive, got %s", f.timeout)
	case f.concurrency <= 0:
		return fmt.Errorf("--image-concurrency must be positive, got %d", f.concurrency)
	}
	if _, err := imagescan.Executable(); err != nil {
		return fmt.Errorf("--scan-images: %w", err)
	}
	if f.cacheDir != "" {
		if st, err := os.Stat(f.cacheDir); err != nil || !st.IsDir() {
			return fmt.Errorf("--trivy-cache-dir %s: not a directory (copy a Trivy cache there: `trivy image --download-db-only --cache-dir DIR` on a connected machine)", f.cacheDir)
		}
	}
	return nil
}

// apply scans the images of snap when --scan-images is given; progress goes to w.
func (f *imageFlags) apply(snap *snapshot.Snapshot, w io.Writer) error {
	if !f.scan {
		return nil
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	err := imagescan.Scan(ctx, snap, imagescan.Options{
		Server:      f.server,
		CacheDir:    f.cacheDir,
		Timeout:     f.timeout,
		Concurrency: f.concurrency,
		Progress:    w,
	})
	if err != nil {
		return fmt.Errorf("--scan-images: %w", err)
	}
	return nil
}
