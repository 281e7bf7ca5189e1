// Package builtin registers every control kubeposture ships: import it for its side effect.
//
// Its tests hold the crosswalk (docs/crosswalk.md), which says for every framework item a
// control references (a CIS recommendation, a Pod Security level, an NSA/CISA area) exactly
// what the control tests and the cases it passes and fails. A control that references an item
// needs a row in claims (claims_test.go): the framework, the item, the control, what it tests,
// and at least one case that passes and one that does not, each a snapshot built from the
// item's own audit text (the flag the audit greps, the field its command reads) with the
// builders there. TestClaims runs every case through the engine, selecting the control by its
// item; TestEveryReferenceClaimed fails when a reference has no row (or a row no reference, or
// a CIS recommendation two controls); TestCrosswalkDoc fails when docs/crosswalk.md is stale:
// rewrite it with `go test ./checks/builtin -run TestCrosswalkDoc -update`.
package builtin

import (
	// Each layer registers its checks in init functions.
	_ "github.com/kubeposture/kubeposture/checks/controlplane"
	_ "github.com/kubeposture/kubeposture/checks/network"
	_ "github.com/kubeposture/kubeposture/checks/node"
	_ "github.com/kubeposture/kubeposture/checks/rbac"
	_ "github.com/kubeposture/kubeposture/checks/workload"
)
