// Command audit audits the security posture of a Kubernetes cluster against the CIS
// Kubernetes Benchmark, the Pod Security Standards and the NSA/CISA hardening guide.
//
//	audit scan                              # the cluster of the current kubeconfig context
//	audit scan --snapshot snap.json         # a snapshot, offline
//	audit collect -o snap.json              # write a snapshot (the raw evidence)
//	audit controls --output markdown        # the controls catalog
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
		fmt.Fprintln(os.Stderr, "audit:", fe.Error())
		return 1
	default:
		fmt.Fprintln(os.Stderr, "audit: error:", err)
		return 2
	}
}

// failuresError reports that the scan found failures at or above --fail-on: exit code 1.
type failuresError struct {
	count     int
	threshold string
}

func (e *failuresError) Error() string {
	return fmt.Sprintf("%d failing result(s) at or above severity %s", e.count, e.threshold)
}
