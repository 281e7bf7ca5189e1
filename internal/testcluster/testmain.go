package testcluster

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"
)

// RunTests is a test package's TestMain body: it starts a cluster, runs setup (nil: none),
// runs the package's tests and stops the cluster. *c is set before setup, so the tests reach
// the cluster through it. It returns the exit code for os.Exit.
func RunTests(m *testing.M, c **Cluster, opts Options, setup func(context.Context, *Cluster) error) int {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	if opts.Log == nil {
		opts.Log = os.Stderr
	}
	cl, err := Start(ctx, opts)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer cl.Stop()
	*c = cl
	if setup != nil {
		if err := setup(ctx, cl); err != nil {
			fmt.Fprintln(os.Stderr, "testcluster: setup:", err)
			return 1
		}
	}
	return m.Run()
}
