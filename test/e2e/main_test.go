package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/kubeposture/kubeposture/internal/estate"
	"github.com/kubeposture/kubeposture/internal/testcluster"
)

// One whole cluster serves every test of the package: seven nodes (cp-1, then two of each
// worker profile, so that node pools group), the estate applied and running, and the shipped
// scanner installed with the with-node-proxy overlay (its namespace, service account and
// read-only role, which the scans judge too).
var (
	cluster *testcluster.Cluster
	// auditBin is the audit binary built from this checkout; kubeconfig is the admin's.
	auditBin   string
	kubeconfig string
)

const nodes = 7

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "kubeposture-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	if err := buildAudit(filepath.Join(dir, "audit")); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	auditBin, kubeconfig = filepath.Join(dir, "audit"), filepath.Join(dir, "kubeconfig")
	opts := testcluster.Options{Controllers: true, Nodes: nodes}
	return testcluster.RunTests(m, &cluster, opts, func(ctx context.Context, c *testcluster.Cluster) error {
		if err := c.WriteKubeconfig(kubeconfig); err != nil {
			return err
		}
		cs, err := c.Client()
		if err != nil {
			return err
		}
		if err := estate.Apply(ctx, cs); err != nil {
			return err
		}
		if err := applyShipped(ctx, cs, "overlays/with-node-proxy"); err != nil {
			return err
		}
		return estate.WaitRunning(ctx, cs)
	})
}

// buildAudit builds ./cmd/audit of this checkout into out.
func buildAudit(out string) error {
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..")
	cmd := exec.Command("go", "build", "-o", out, "./cmd/audit")
	cmd.Dir = root
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build ./cmd/audit: %w: %s", err, b)
	}
	return nil
}
