package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/snapshot"
)

// exceptionFlags are the governed-exceptions flags of scan, report and serve.
type exceptionFlags struct {
	file       string
	annotation string
	list       []checks.Exception
}

// add registers --exceptions, and --exception-annotation where the objects are at hand (a
// saved report has no annotations to read).
func (x *exceptionFlags) add(cmd *cobra.Command, withAnnotation bool) {
	cmd.Flags().StringVar(&x.file, "exceptions", "", "accepted risks (YAML, see docs/reading-a-report.md): matching FAIL and WARN results become EXCEPTED, with reason, owner, ticket and expiry")
	if withAnnotation {
		cmd.Flags().StringVar(&x.annotation, "exception-annotation", "", "also honour exceptions that objects declare about themselves in this annotation (off by default: workloads cannot exempt themselves)")
	}
}

// load reads the exceptions file, before any long collection, so that a typo fails fast.
func (x *exceptionFlags) load() error {
	if x.file == "" {
		return nil
	}
	list, err := checks.ReadExceptionsFile(x.file)
	if err != nil {
		return fmt.Errorf("--exceptions: %w", err)
	}
	// An exception for a control that does not exist (a typo, a renamed id) would never
	// match and leave the risk it meant to accept unrecorded: refused.
	known := map[string]bool{}
	for _, c := range checks.Registered() {
		known[c.ID] = true
	}
	for _, e := range list {
		if !known[e.Control] {
			return fmt.Errorf("--exceptions: %s: control %q is not a kubeposture control (see 'audit controls')", e.Source, e.Control)
		}
	}
	x.list = list
	return nil
}

// apply marks the excepted results of rep; snap is nil for a saved report.
func (x *exceptionFlags) apply(rep *checks.Report, snap *snapshot.Snapshot) {
	if x.file == "" && x.annotation == "" {
		return
	}
	checks.ApplyExceptions(rep, snap, x.list, checks.ExceptionOptions{Annotation: x.annotation})
}
