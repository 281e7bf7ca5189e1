//go:build goexperiment.jsonv2

package imagescan

import (
	"context"

	"github.com/kubeposture/kubeposture/snapshot"
)

// Available reports whether this build can scan images: not this one (see doc.go).
const Available = false

// Scan fails: this build has no scanner.
func Scan(context.Context, *snapshot.Snapshot, Options) error { return ErrNotBuiltIn }
