package testcluster

import (
	"context"
	"fmt"
	"os"
	"sync"
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

// Lazy is a test package's cluster started on first use, so that its unit tests do not pay
// for one: the package's TestMain runs the tests, then Stop. The zero value starts a cluster
// with default options, logging to stderr.
type Lazy struct {
	once sync.Once
	c    *Cluster
	err  error
}

// Get returns the cluster, starting it the first time; a failed start fails every test that
// asks.
func (l *Lazy) Get(t testing.TB) *Cluster {
	t.Helper()
	l.once.Do(func() { l.c, l.err = Start(context.Background(), Options{Log: os.Stderr}) })
	if l.err != nil {
		t.Fatalf("start the test cluster: %v", l.err)
	}
	return l.c
}

// Stop stops the cluster if it was started.
func (l *Lazy) Stop() {
	if l.c != nil {
		l.c.Stop()
	}
}
