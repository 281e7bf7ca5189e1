// Command audit audits the security posture of a Kubernetes cluster against the CIS
// Kubernetes Benchmark, the Pod Security Standards and the NSA/CISA hardening guide.
//
//	audit scan                              # the cluster of the current kubeconfig context
//	audit scan --snapshot snap.json         # a snapshot, offline
//	audit scan deploy/                      # manifests
//	audit collect -o snap.json              # write a snapshot (the raw evidence)
//	audit controls -f markdown              # the controls catalog
//
// Exit codes: 0 no failure at or above --fail-on, 1 failures, 2 usage or runtime error.
package main

import (
	"errors"
	"fmt"
	"os"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

// run executes the command line and returns the exit code.
func run(args []string) int {
	prof := &profiling{}
	cmd := newRootCommandProfiled(prof)
	cmd.SetArgs(args)
	err := cmd.Execute()
	if perr := prof.stop(); perr != nil && err == nil {
		err = perr
	}
	var fe *failuresError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &fe):
		if !fe.quiet {
			fmt.Fprintln(os.Stderr, "audit:", fe.Error())
		}
		return 1
	default:
		fmt.Fprintln(os.Stderr, "audit: error:", err)
		return 2
	}
}

// failuresError reports that the scan found failures at or above --fail-on, or that a gate
// (--min-evaluated, --fail-below-score) failed: exit code 1.
type failuresError struct {
	count     int
	threshold string
	quiet     bool   // -q: the exit code says it
	message   string // a gate's own words, instead of the count
}

func (e *failuresError) Error() string {
	if e.message != "" {
		return e.message
	}
	return fmt.Sprintf("%d failing result(s) at or above severity %s", e.count, e.threshold)
}
