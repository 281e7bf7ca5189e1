package main

import (
	"fmt"
	"io"

	"github.com/kubeposture/kubeposture/collect"
	"github.com/kubeposture/kubeposture/snapshot"
)

// readManifests reads `scan -f` paths into a snapshot, and warns about the objects no check
// reads, so that the user knows they were not judged.
func readManifests(stderr io.Writer, paths []string) (*snapshot.Snapshot, error) {
	m, err := collect.ReadManifests(paths)
	if err != nil {
		return nil, fmt.Errorf("--filename: %w", err)
	}
	for _, u := range m.Unknown {
		fmt.Fprintf(stderr, "audit: warning: --filename: not judged (no control reads this kind): %s\n", u)
	}
	return m.Snapshot, nil
}
