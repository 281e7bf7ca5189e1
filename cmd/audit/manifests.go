package main

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/collect"
	"github.com/kubeposture/kubeposture/snapshot"
)

// readManifests reads `scan -f` paths into a snapshot, and warns about the objects no check
// reads, so that the user knows they were not judged.
func readManifests(stdin io.Reader, stderr io.Writer, paths []string) (*snapshot.Snapshot, error) {
	m, err := collect.ReadManifestsStdin(paths, stdin)
	if err != nil {
		// The flag once: the reader names it for a path it could not open.
		if strings.HasPrefix(err.Error(), "--filename ") {
			return nil, err
		}
		return nil, fmt.Errorf("--filename: %w", err)
	}
	warned := map[string]bool{}
	for _, d := range m.NotObjects {
		if !warned[d.File] {
			warned[d.File] = true
			fmt.Fprintf(stderr, "audit: warning: %s: not a Kubernetes object (no apiVersion and kind): skipped\n", d.File)
		}
	}
	for _, u := range m.Unknown {
		fmt.Fprintf(stderr, "audit: warning: --filename: not judged (no control reads this kind): %s\n", u)
	}
	return m.Snapshot, nil
}

// judgeable keeps the checks that manifests can decide: those whose inputs the manifests
// hold (collect.ReadManifests marks the kinds it reads as collected; the control plane,
// nodes and the API server's own state are not in any file). The others would only say
// NOT_EVALUATED: they are counted, not run.
func judgeable(snap *snapshot.Snapshot, selected []checks.Check) (kept []checks.Check, left int) {
	collected := func(r snapshot.Resource) bool {
		c, ok := snap.Status(r)
		return ok && c.State == snapshot.Collected
	}
	for _, c := range selected {
		ok := true
		for _, r := range c.Inputs {
			ok = ok && collected(r)
		}
		if len(c.AnyInputs) > 0 && !slices.ContainsFunc(c.AnyInputs, collected) {
			ok = false
		}
		if ok {
			kept = append(kept, c)
		} else {
			left++
		}
	}
	return kept, left
}
